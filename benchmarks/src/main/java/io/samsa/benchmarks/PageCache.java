package io.samsa.benchmarks;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the benchmarks do to the page cache, through the C library (JNA, no JVM flags): evict a
 * file ({@code fsync}, then {@code posix_fadvise(DONTNEED)}), and count its resident pages
 * ({@code mmap} + {@code mincore}).
 *
 * <p>{@code DONTNEED} drops only clean pages, so every eviction forces the file first. The advice
 * acts on the file's page cache, not on one descriptor, so a descriptor opened here for the
 * purpose evicts the pages that every other reader of the file sees. Pages a process keeps
 * mapped are not dropped: close a store before evicting its files.
 *
 * <p>Linux only (x86_64 and aarch64 constants); {@link #isSupported()} says whether it can run.
 */
final class PageCache {
  private static final int O_RDONLY = 0;
  private static final int PROT_READ = 1;
  private static final int MAP_SHARED = 1;
  private static final int POSIX_FADV_DONTNEED = 4;
  private static final int SC_PAGESIZE = 30;

  private PageCache() {}

  /** Whether this platform has the calls (Linux on x86_64 or aarch64). */
  static boolean isSupported() {
    return Platform.isLinux() && (Platform.isIntel() || Platform.isARM()) && Platform.is64Bit();
  }

  /** Page and byte counts of one or more files: how much of them is in the page cache. */
  record Residency(int files, long bytes, long pages, long residentPages) {
    static final Residency NONE = new Residency(0, 0, 0, 0);

    Residency plus(Residency o) {
      return new Residency(files + o.files, bytes + o.bytes, pages + o.pages,
          residentPages + o.residentPages);
    }

    /** The resident fraction, 0 to 1 (0 for no pages). */
    double fraction() {
      return pages == 0 ? 0 : (double) residentPages / pages;
    }

    @Override
    public String toString() {
      return String.format("%d files, %,d bytes, %,d of %,d pages resident (%.2f%%)", files, bytes,
          residentPages, pages, 100 * fraction());
    }
  }

  /** Forces and evicts every regular file under {@code dir}; returns what is resident after. */
  static Residency evictTree(Path dir) {
    Residency after = Residency.NONE;
    for (Path f : regularFiles(dir)) {
      evict(f);
      after = after.plus(residency(f));
    }
    return after;
  }

  /** What is resident of every regular file under {@code dir}. */
  static Residency residencyOfTree(Path dir) {
    Residency r = Residency.NONE;
    for (Path f : regularFiles(dir)) {
      r = r.plus(residency(f));
    }
    return r;
  }

  /**
   * Forces the file's dirty pages to disk, then advises the kernel to drop its cached pages.
   *
   * @throws UncheckedIOException if the file cannot be opened, forced or advised
   */
  static void evict(Path file) {
    int fd = open(file);
    try {
      C.fsync(fd);
      int rc = C.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      if (rc != 0) {
        throw new UncheckedIOException(new IOException(
            "posix_fadvise(DONTNEED) failed: file=" + file + ", errno=" + rc));
      }
    } catch (LastErrorException e) {
      throw new UncheckedIOException(new IOException(
          "fsync failed: file=" + file + ", errno=" + e.getErrorCode(), e));
    } finally {
      C.close(fd);
    }
  }

  /** How many of the file's pages are in the page cache (mincore over a read-only mapping). */
  static Residency residency(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long pageSize = C.sysconf(SC_PAGESIZE);
    long pages = (size + pageSize - 1) / pageSize;
    if (size == 0) {
      return new Residency(1, 0, 0, 0);
    }
    int fd = open(file);
    try {
      Pointer addr = C.mmap(null, size, PROT_READ, MAP_SHARED, fd, 0);
      if (Pointer.nativeValue(addr) == -1L) {
        throw new UncheckedIOException(new IOException(
            "mmap failed: file=" + file + ", size=" + size + ", errno=" + Native.getLastError()));
      }
      try {
        byte[] vec = new byte[Math.toIntExact(pages)];
        if (C.mincore(addr, size, vec) != 0) {
          throw new UncheckedIOException(new IOException(
              "mincore failed: file=" + file + ", errno=" + Native.getLastError()));
        }
        long resident = 0;
        for (byte b : vec) {
          resident += b & 1;
        }
        return new Residency(1, size, pages, resident);
      } finally {
        C.munmap(addr, size);
      }
    } finally {
      C.close(fd);
    }
  }

  /** Forces all file systems' dirty data to disk, as the {@code sync} command does. */
  static void syncAll() {
    C.sync();
  }

  private static int open(Path file) {
    try {
      return C.open(file.toAbsolutePath().toString(), O_RDONLY);
    } catch (LastErrorException e) {
      throw new UncheckedIOException(new IOException(
          "open failed: file=" + file + ", errno=" + e.getErrorCode(), e));
    }
  }

  static List<Path> regularFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Direct-mapped C library calls. */
  private static final class C {
    static {
      Native.register(Platform.C_LIBRARY_NAME);
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd);

    static native int fsync(int fd) throws LastErrorException;

    static native void sync();

    static native int posix_fadvise(int fd, long offset, long len, int advice);

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(Pointer addr, long length);

    static native int mincore(Pointer addr, long length, byte[] vec);

    static native long sysconf(int name);
  }
}
