package io.samsa.spi.format;

/** Kafka's compression codec ids and names, for messages about batches Samsa refuses. */
final class Compression {
  private static final String[] NAMES = {"none", "gzip", "snappy", "lz4", "zstd"};

  private Compression() {}

  static String name(int codec) {
    return codec >= 0 && codec < NAMES.length ? NAMES[codec] : "unknown(" + codec + ")";
  }
}
