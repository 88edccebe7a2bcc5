package io.samsa.benchmarks;

import java.util.Locale;

/**
 * The sizes of every workload at one scale. {@link #full()} is the workload; {@link
 * #medium()} is a tenth of it for a quick look; {@link #smoke()} only checks that everything runs.
 *
 * @param name the scale's name
 * @param append100Records records of append-100B (100-byte values, batches of {@link #append100Batch})
 * @param append1kRecords records of append-1KB (1 KiB values, batches of {@link #append1kBatch})
 * @param fsyncRecords records of append-1KB-fsync (1 KiB values, batches of {@link #fsyncBatch}, fsync after each)
 * @param readRecords records of the log the read workloads read (1 KiB values, batches of 16)
 * @param randomReads point reads per repetition of read-random
 * @param recoverRecords records of 1 KiB (batches of 16) the killed writer of recover appends
 * @param manyPartitions partitions of many-partitions
 * @param manyRecordsPerPartition 100-byte records per partition and repetition of many-partitions (batches of 10)
 * @param manyCapSeconds the most seconds one repetition of many-partitions appends for
 * @param scratchBytes the scratch file of the page-cache {@link Treatment}
 * @param ddSeqMiB the size of {@code dd}'s sequential write ({@code bs=1M conv=fdatasync}), and of its read
 */
record Sizes(String name, int append100Records, int append100Batch, int append1kRecords,
    int append1kBatch, int fsyncRecords, int fsyncBatch, int readRecords, int randomReads,
    int recoverRecords, int manyPartitions, int manyRecordsPerPartition, int manyCapSeconds, long scratchBytes,
    int ddSeqMiB) {

  static final int SMALL_VALUE = 100;
  static final int LARGE_VALUE = 1024;
  static final int READ_BATCH = 16;
  static final int MANY_BATCH = 10;

  static Sizes full() {
    return new Sizes("full", 2_000_000, 100, 1_000_000, 16, 131_072, 64, 1_000_000, 100_000,
        1_000_000, 10_000, 200, 60, 1536L << 20, 1024);
  }

  static Sizes medium() {
    return new Sizes("medium", 200_000, 100, 100_000, 16, 16_384, 64, 100_000, 20_000,
        100_000, 1_000, 200, 20, 512L << 20, 256);
  }

  static Sizes smoke() {
    return new Sizes("smoke", 20_000, 100, 4_000, 16, 640, 64, 4_000, 2_000,
        4_000, 50, 40, 10, 16L << 20, 16);
  }

  /**
   * The scale called {@code name}: {@code full}, {@code medium} or {@code smoke}.
   *
   * @throws IllegalArgumentException for another name
   */
  static Sizes of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "full" -> full();
      case "medium" -> medium();
      case "smoke" -> smoke();
      default -> throw new IllegalArgumentException("unknown scale: " + name + " (known: full, medium, smoke)");
    };
  }

  /** Batches of append-1KB-fsync, the count of {@code dd bs=64k oflag=dsync} writes it is compared with. */
  int fsyncBatches() {
    return fsyncRecords / fsyncBatch;
  }
}
