package io.samsa.storage.file;

import io.samsa.spi.BatchSlice;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** A range of a segment's {@code .log}, sent with {@link FileChannel#transferTo} (sendfile). */
final class FileSlice implements BatchSlice {
  private final FileChannel channel;
  private final long position;
  private final int size;

  FileSlice(FileChannel channel, long position, int size) {
    this.channel = channel;
    this.position = position;
    this.size = size;
  }

  @Override
  public int sizeInBytes() {
    return size;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void readFully(ByteBuffer dst) throws IOException {
    ByteBuffer view = dst.duplicate();
    view.limit(view.position() + size);
    long at = position;
    while (view.hasRemaining()) {
      int n = channel.read(view, at);
      if (n < 0) {
        throw new EOFException("segment ended inside a read: position=" + at + ", wanted="
            + (position + size));
      }
      at += n;
    }
    dst.position(view.position());
  }

  @Override
  public long writeTo(WritableByteChannel target) throws IOException {
    long done = 0;
    while (done < size) {
      long n = channel.transferTo(position + done, size - done, target);
      if (n <= 0) {
        break; // a non-blocking target is full: the caller sends the rest later
      }
      done += n;
    }
    return done;
  }
}
