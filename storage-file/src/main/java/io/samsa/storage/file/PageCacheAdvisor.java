package io.samsa.storage.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Tells the kernel what the backend will read ({@code WILLNEED}) and what it is done with ({@code
 * DONTNEED}). Both act on the file's page cache, not on one descriptor, so an advisor may open the
 * file for the call. Advice is a hint: an advisor never fails a read, and nothing is lost if the
 * kernel ignores it.
 */
interface PageCacheAdvisor {
  /** What this advisor is, for logs and benchmark reports (e.g. {@code posix_fadvise}). */
  String name();

  /** Whether advice does anything here. */
  boolean active();

  /** Starts reading {@code length} bytes from {@code offset} into the page cache, in the background. */
  void willNeed(Path file, long offset, long length) throws IOException;

  /**
   * Drops the clean cached pages of {@code length} bytes from {@code offset} ({@code 0}: to the
   * end). Pages not yet written back stay: force the file first for the advice to take effect.
   */
  void dontNeed(Path file, long offset, long length) throws IOException;

  /** No advice: where {@code posix_fadvise} does not exist, or advice is turned off. */
  static PageCacheAdvisor none(String why) {
    return new PageCacheAdvisor() {
      @Override
      public String name() {
        return "none (" + why + ")";
      }

      @Override
      public boolean active() {
        return false;
      }

      @Override
      public void willNeed(Path file, long offset, long length) {}

      @Override
      public void dontNeed(Path file, long offset, long length) {}
    };
  }
}
