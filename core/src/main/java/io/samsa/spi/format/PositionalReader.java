package io.samsa.spi.format;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A source of bytes read by absolute position, such as {@code FileChannel::read}.
 */
@FunctionalInterface
public interface PositionalReader {
  /**
   * Reads bytes starting at {@code position} into {@code dst}, from its position up to its limit.
   *
   * @return the number of bytes read, possibly fewer than requested, or -1 at the end
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /** A reader over the bytes of {@code buf} from index 0 to its limit; copies into {@code dst}. */
  static PositionalReader of(ByteBuffer buf) {
    return (dst, position) -> {
      if (position >= buf.limit()) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), buf.limit() - position);
      dst.put(dst.position(), buf, (int) position, n);
      dst.position(dst.position() + n);
      return n;
    };
  }
}
