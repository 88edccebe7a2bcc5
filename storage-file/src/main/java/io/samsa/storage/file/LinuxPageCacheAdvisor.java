package io.samsa.storage.file;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code posix_fadvise(2)} on Linux, through JNA's direct mapping of the C library.
 *
 * <h2>Which descriptor</h2>
 * {@code WILLNEED} and {@code DONTNEED} act on the file's page cache (the inode), whatever
 * descriptor names it, so this advisor opens the file read-only for each call with {@code
 * open(2)}, advises, and closes it again. That needs no access to the descriptor inside a {@link
 * java.nio.channels.FileChannel}, which Java 17 gives only with {@code --add-opens} flags; it
 * costs one open and close per call, against reads of megabytes. ({@code SEQUENTIAL}, which acts
 * on one open file description, is not used for that reason: explicit {@code WILLNEED} windows
 * ahead of the reader do its work.)
 *
 * <h2>Chunks</h2>
 * The kernel reads at most about the device's read-ahead size per {@code WILLNEED} call, so a
 * range is advised in chunks of {@value #CHUNK_BYTES} bytes, the smallest usual read-ahead size.
 *
 * <p>The advice constants are those of {@code linux/fadvise.h}; {@code DONTNEED} is 6 on s390x and
 * 4 elsewhere. Only 64-bit Linux is supported ({@code off_t} is a Java {@code long} there).
 */
final class LinuxPageCacheAdvisor implements PageCacheAdvisor {
  static final long CHUNK_BYTES = 128 * 1024;
  private static final int O_RDONLY = 0;
  private static final int POSIX_FADV_WILLNEED = 3;
  private static final int POSIX_FADV_DONTNEED = "s390x".equals(Platform.ARCH) ? 6 : 4;

  /** The C library, bound when this class initializes (a missing symbol fails it then). */
  private static final class C {
    static {
      Native.register(Platform.C_LIBRARY_NAME);
    }

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Returns the error number (0 on success); it does not set errno. */
    static native int posix_fadvise(int fd, long offset, long length, int advice);
  }

  private final Charset pathCharset;

  private LinuxPageCacheAdvisor(Charset pathCharset) {
    this.pathCharset = pathCharset;
  }

  /**
   * Binds {@code posix_fadvise}.
   *
   * @throws UnsupportedOperationException on a platform it does not support
   * @throws LinkageError if JNA or the symbol is missing
   */
  static LinuxPageCacheAdvisor load() {
    if (!Platform.isLinux() || !Platform.is64Bit()) {
      throw new UnsupportedOperationException("posix_fadvise is used on 64-bit Linux only; this is "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }
    String jnu = System.getProperty("sun.jnu.encoding");
    Charset charset = jnu != null && Charset.isSupported(jnu) ? Charset.forName(jnu) : Charset.defaultCharset();
    LinuxPageCacheAdvisor advisor = new LinuxPageCacheAdvisor(charset);
    C.posix_fadvise(-1, 0, 0, POSIX_FADV_WILLNEED); // binds now (EBADF is the expected answer)
    return advisor;
  }

  @Override
  public String name() {
    return "posix_fadvise (linux-" + Platform.ARCH + ")";
  }

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public void willNeed(Path file, long offset, long length) throws IOException {
    advise(file, offset, length, POSIX_FADV_WILLNEED, CHUNK_BYTES);
  }

  @Override
  public void dontNeed(Path file, long offset, long length) throws IOException {
    advise(file, offset, length, POSIX_FADV_DONTNEED, Long.MAX_VALUE);
  }

  private void advise(Path file, long offset, long length, int advice, long chunk) throws IOException {
    byte[] name = file.toString().getBytes(pathCharset);
    name = Arrays.copyOf(name, name.length + 1); // NUL-terminated
    int fd;
    try {
      fd = C.open(name, O_RDONLY);
    } catch (LastErrorException e) {
      throw new IOException("open for posix_fadvise failed: file=" + file + ", errno=" + e.getErrorCode());
    }
    try {
      if (length == 0) {
        check(file, C.posix_fadvise(fd, offset, 0, advice));
        return;
      }
      for (long at = offset, end = offset + length; at < end; at += chunk) {
        check(file, C.posix_fadvise(fd, at, Math.min(chunk, end - at), advice));
      }
    } finally {
      try {
        C.close(fd);
      } catch (LastErrorException e) {
        // a read-only descriptor with nothing to flush: nothing is lost
      }
    }
  }

  private static void check(Path file, int error) throws IOException {
    if (error != 0) {
      throw new IOException("posix_fadvise failed: file=" + file + ", errno=" + error);
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
