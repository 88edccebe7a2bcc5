package io.samsa.storage.file;

import io.samsa.spi.StorageContext;
import java.util.Set;

/**
 * How the file backend uses the page cache; each part can be set with {@code
 * Samsa.builder(dir).backendOption(key, value)}, and each is on by default where {@code
 * posix_fadvise} exists.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code fadvise}</td><td>{@code true}</td><td>give the kernel page-cache advice at
 *       all; {@code false} turns all of the below off</td></tr>
 *   <tr><td>{@code readahead.bytes}</td><td>{@value #DEFAULT_READAHEAD_BYTES}</td><td>a
 *       sequential reader gets {@code WILLNEED} on this many bytes ahead of it, topped up each
 *       time a quarter is used; {@code 0} turns it off</td></tr>
 *   <tr><td>{@code dropbehind}</td><td>{@code true}</td><td>bytes of a sealed, flushed segment
 *       that a sequential reader has passed get {@code DONTNEED}, so that a lagging consumer does
 *       not push the tail out of the cache</td></tr>
 *   <tr><td>{@code cold.after.ms}</td><td>{@value #DEFAULT_COLD_AFTER_MS}</td><td>a segment
 *       sealed and flushed this long ago gets {@code DONTNEED} whole, once; {@code 0} turns it
 *       off</td></tr>
 * </table>
 *
 * @param readaheadBytes bytes of {@code WILLNEED} ahead of a sequential reader; 0: none
 * @param dropBehind whether passed bytes of sealed, flushed segments are dropped
 * @param coldAfterMs age after sealing at which a flushed segment is dropped whole; 0: never
 */
record PageCachePolicy(long readaheadBytes, boolean dropBehind, long coldAfterMs) {
  /**
   * The read-ahead window, chosen by measurement (BENCHMARKS.md, the read-ahead sweep): reading a
   * 1 GiB segment cold from this project's virtual disk, which the kernel reads ahead 128 KiB at
   * a time, ran at 0.57 GB/s without advice and at 1.09, 1.24, 1.41, 1.53 and 1.52 GB/s with
   * windows of 2, 4, 8, 16 and 32 MiB (medians of 4). 8 MiB is where the gain levels off: at the
   * sequential rates of one disk (100 MB/s to 2 GB/s) it is 4 to 80 ms of reading ahead, and a
   * thousand concurrent catch-up readers ask for 8 GiB of page cache, not 16 or 32.
   */
  static final long DEFAULT_READAHEAD_BYTES = 8L << 20;
  static final long DEFAULT_COLD_AFTER_MS = 5 * 60 * 1000L;
  static final Set<String> KEYS = Set.of("fadvise", "readahead.bytes", "dropbehind", "cold.after.ms");

  static final PageCachePolicy OFF = new PageCachePolicy(0, false, 0);

  /** Reads the policy from the backend options. */
  static PageCachePolicy from(StorageContext context) {
    context.requireKnownOptions(FileStorageProvider.NAME, KEYS);
    boolean on = context.booleanOption("fadvise", true);
    long readahead = context.longOption("readahead.bytes", DEFAULT_READAHEAD_BYTES, 0, 1L << 30);
    boolean dropBehind = context.booleanOption("dropbehind", true);
    long coldAfter = context.longOption("cold.after.ms", DEFAULT_COLD_AFTER_MS, 0, Long.MAX_VALUE);
    return on ? new PageCachePolicy(readahead, dropBehind, coldAfter) : OFF;
  }

  boolean any() {
    return readaheadBytes > 0 || dropBehind || coldAfterMs > 0;
  }
}
