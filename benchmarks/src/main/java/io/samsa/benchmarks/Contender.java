package io.samsa.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The systems the workloads run on: Samsa's three backends and two baselines. Each runs in its own
 * JVM; only Chronicle Queue gets extra JVM flags (Samsa runs with none).
 */
enum Contender {
  FILE("file", "Samsa, file backend"),
  MMAP("mmap", "Samsa, mmap backend"),
  ROCKSDB("rocksdb", "Samsa, rocksdb backend"),
  KAFKA("kafka", "Kafka 4.1 UnifiedLog"),
  CHRONICLE("chronicle", "Chronicle Queue");

  /** What Chronicle Queue needs on Java 17 to reach JDK internals, and no phoning home. */
  private static final List<String> CHRONICLE_FLAGS = List.of(
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "-Dchronicle.analytics.disable=true");

  private final String id;
  private final String description;

  Contender(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The short name used in results and on the command line. */
  String id() {
    return id;
  }

  String description() {
    return description;
  }

  boolean isSamsa() {
    return this == FILE || this == MMAP || this == ROCKSDB;
  }

  /** What reopening after a crash does for this contender (for the recover workload's notes). */
  String recoveryMethod() {
    return switch (this) {
      case FILE, MMAP, ROCKSDB -> "Samsa finds no clean-shutdown marker and scans the segments from the "
          + "recovery point on, checking every batch's CRC and rebuilding the indexes";
      case KAFKA -> "UnifiedLog.create with lastShutdownClean=false and recovery point 0 (the killed "
          + "log was never flushed, so its checkpointed recovery point would be 0 too): it scans the "
          + "segment, checking every batch and rebuilding the indexes and the producer state";
      case CHRONICLE -> "not comparable: Chronicle Queue has no checksums and no recovery scan; the "
          + "time is opening the queue and counting its excerpts";
    };
  }

  /** The JVM flags this contender's JVM needs beyond the common ones. */
  List<String> jvmFlags() {
    return this == CHRONICLE ? CHRONICLE_FLAGS : List.of();
  }

  /**
   * Opens (creating if needed) this contender's logs in {@code dir}.
   *
   * @param afterCrash whether the last writer was killed (matters to Kafka, which is told so;
   *     Samsa finds out from its own clean-shutdown marker)
   */
  BenchLog open(Path dir, LogSpec spec, boolean afterCrash) throws IOException {
    return switch (this) {
      case FILE, MMAP, ROCKSDB -> new SamsaLog(id, dir, spec);
      case KAFKA -> new KafkaLog(dir, spec, afterCrash);
      case CHRONICLE -> new ChronicleLog(dir, spec);
    };
  }

  /**
   * The contender called {@code id}.
   *
   * @throws IllegalArgumentException if there is none
   */
  static Contender of(String id) {
    for (Contender c : values()) {
      if (c.id.equals(id.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown contender: " + id + " (known: file, mmap, rocksdb, kafka, chronicle)");
  }
}
