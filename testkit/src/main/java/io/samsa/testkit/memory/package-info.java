/**
 * The reference backend: segments as byte arrays in memory, no indexes. See {@link
 * io.samsa.testkit.memory.MemoryStorageProvider}.
 */
package io.samsa.testkit.memory;
