/**
 * Samsa's benchmarks: JMH micro-benchmarks of the hot paths ({@link
 * io.samsa.benchmarks.RecordBatchBenchmark}, {@link io.samsa.benchmarks.AppendBenchmark}, {@link
 * io.samsa.benchmarks.PointReadBenchmark}) and a whole-workload harness ({@link
 * io.samsa.benchmarks.Workloads}) that runs every workload on the {@code file}, {@code mmap} and
 * {@code rocksdb} backends, on Kafka's own log and on Chronicle Queue, and measures the disk with
 * {@code dd}. Not a library; see BENCHMARKS.md at the root of the repository for the commands.
 */
package io.samsa.benchmarks;
