/**
 * The {@code rocksdb} storage backend: batches as RocksDB values keyed by partition and offset.
 * See {@link io.samsa.storage.rocksdb.RocksDbStorageProvider}.
 */
package io.samsa.storage.rocksdb;
