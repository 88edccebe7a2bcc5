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
 *       sequential reader gets {@code WILLNEED} on this many bytes ahead of it, renewed when half
 *       is used; {@code 0} turns it off</td></tr>
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
   * The read-ahead window: at the sequential-read rates of one disk (100 MB/s to 2 GB/s) 4 MiB is
   * 2 to 40 ms of reading ahead, enough to hide a disk's latency, and small enough that a few
   * thousand readers stay within a page cache of gigabytes. BENCHMARKS.md has the measurements
   * behind it.
   */
  static final long DEFAULT_READAHEAD_BYTES = 4L << 20;
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
