/**
 * The {@code file} storage backend: Kafka's partition directories, segment files and sparse
 * indexes on a local file system. See {@link io.samsa.storage.file.FileStorageProvider}.
 */
package io.samsa.storage.file;
