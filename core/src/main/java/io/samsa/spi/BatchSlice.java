package io.samsa.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only run of whole record batches from one segment, returned by {@link Segment#read}.
 * It is valid until the segment is next truncated, recovered, closed or deleted (the core
 * guarantees none of these happens while it uses a slice).
 */
public interface BatchSlice {
  /** The slice's length in bytes; 0 for an empty slice. */
  int sizeInBytes();

  /**
   * Where the slice starts in its segment, in bytes; or -1 for a backend without byte positions
   * (batches stored as separate values): the core then checks such slices on every read.
   */
  long position();

  /** Copies the whole slice into {@code dst} at its position, advancing it. */
  void readFully(ByteBuffer dst) throws IOException;

  /**
   * Writes the whole slice to {@code target}, without copying through the heap where the backend
   * allows it ({@code FileChannel.transferTo}, a mapped buffer).
   *
   * @return the number of bytes written
   */
  long writeTo(WritableByteChannel target) throws IOException;

  /** An empty slice. */
  static BatchSlice empty(long position) {
    return new BatchSlice() {
      @Override
      public int sizeInBytes() {
        return 0;
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public void readFully(ByteBuffer dst) {}

      @Override
      public long writeTo(WritableByteChannel target) {
        return 0;
      }
    };
  }

  /** A slice over bytes in memory (from its position to its limit). */
  static BatchSlice of(ByteBuffer bytes, long position) {
    ByteBuffer view = bytes.slice().asReadOnlyBuffer();
    return new BatchSlice() {
      @Override
      public int sizeInBytes() {
        return view.remaining();
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public void readFully(ByteBuffer dst) {
        dst.put(view.duplicate());
      }

      @Override
      public long writeTo(WritableByteChannel target) throws IOException {
        ByteBuffer src = view.duplicate();
        long written = 0;
        while (src.hasRemaining()) {
          written += target.write(src);
        }
        return written;
      }
    };
  }
}
