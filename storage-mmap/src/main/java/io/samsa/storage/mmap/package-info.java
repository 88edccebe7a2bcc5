/**
 * The {@code mmap} storage backend: Kafka's layout with preallocated, memory-mapped segments and
 * indexes. See {@link io.samsa.storage.mmap.MmapStorageProvider}.
 */
package io.samsa.storage.mmap;
