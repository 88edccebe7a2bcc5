/**
 * The crash harness: programs and models that try hard to make a store lose or corrupt data.
 *
 * <p>{@link io.samsa.harness.CrashChild} is the program a test runs in a child JVM and kills
 * with SIGKILL; {@link io.samsa.harness.RecordModel} says, for every partition and offset, exactly
 * which record belongs there, so that whoever reopens the store can check every byte it reads.
 *
 * <p>The tests (under {@code src/test}): {@code ProcessKillTest} (SIGKILL at random moments, every
 * backend and flush policy), {@code CorruptionAtRestTest} and {@code CorruptionRegressionTest}
 * (flipped bytes in closed stores, counted by region), {@code DiskFaultTest} (I/O errors from the
 * test kit's {@code SimulatedDisk}), {@code FileSizeLimitTest} and {@code FullDiskTest} (real
 * {@code EFBIG} and {@code ENOSPC} from the kernel), {@code HostileBytesTest} (generated and
 * mutated bytes into the decoder, the scans and the follower's append) and {@code
 * ConcurrencyStressTest}.
 *
 * <p>Concurrency is tested by a deterministic stress test, not by jcstress or Lincheck: jcstress
 * runs its own harness from a generated jar, outside surefire, and targets a few memory
 * operations; Lincheck's model checker switches threads only inside JVM bytecode, so it cannot
 * reach the native I/O, mappings and RocksDB calls where a log's races are, and its stress mode
 * is what the test does by hand. The test's writer is seeded, readers run flat out, and every
 * wait is on a condition with a timeout.
 */
package io.samsa.harness;
