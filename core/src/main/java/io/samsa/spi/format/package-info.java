/**
 * Kafka's record batch format v2 (magic 2), byte for byte, and what a backend needs to work with
 * it without knowing it in depth: the layout ({@link io.samsa.spi.format.RecordBatchDescriptor}),
 * encoding and decoding, validation ({@link io.samsa.spi.format.BatchValidator}), scanning stored
 * bytes for batch boundaries and recovery ({@link io.samsa.spi.format.BatchScanner}), the index
 * entry layouts and the checkpoint format. Only uncompressed batches are stored; compressed ones
 * are refused, naming their codec.
 */
package io.samsa.spi.format;
