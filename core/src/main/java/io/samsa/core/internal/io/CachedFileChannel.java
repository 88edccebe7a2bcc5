package io.samsa.core.internal.io;

import io.samsa.core.internal.io.BoundedFileIO.Handle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * A file channel whose descriptor comes and goes: every operation borrows one from its {@link
 * BoundedFileIO}, reopening the file if the cache closed it. Positional operations map one to
 * one; relative ones keep this channel's own position. See {@link BoundedFileIO} for the
 * guarantees.
 */
final class CachedFileChannel extends FileChannel {
  private final BoundedFileIO io;
  private final Path path;
  private final Set<OpenOption> reopenOptions;
  private final Object positionLock = new Object();
  private long position; // guarded by positionLock

  CachedFileChannel(BoundedFileIO io, Path path, Set<OpenOption> reopenOptions) {
    this.io = io;
    this.path = path;
    this.reopenOptions = reopenOptions;
  }

  Path path() {
    return path;
  }

  Set<OpenOption> reopenOptions() {
    return reopenOptions;
  }

  /** An operation on a borrowed descriptor. */
  @FunctionalInterface
  private interface Op<T> {
    T run(FileChannel ch) throws IOException;
  }

  private <T> T call(Op<T> op) throws IOException {
    Handle h = io.acquire(this);
    try {
      return op.run(h.channel);
    } catch (ClosedByInterruptException e) {
      io.discard(this, h); // the interrupt closed that descriptor, not this channel
      throw e;
    } catch (ClosedChannelException e) {
      io.discard(this, h);
      if (!isOpen()) {
        throw e;
      }
      throw new ClosedChannelException(); // another thread's interrupt; the next call reopens
    } finally {
      h.release();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Positional

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return call(ch -> ch.read(dst, position));
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    return call(ch -> ch.write(src, position));
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return call(ch -> ch.transferTo(position, count, target));
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return call(ch -> ch.transferFrom(src, position, count));
  }

  @Override
  public long size() throws IOException {
    return call(FileChannel::size);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("negative size: size=" + size);
    }
    call(ch -> ch.truncate(size));
    synchronized (positionLock) {
      position = Math.min(position, size);
    }
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    call(ch -> {
      ch.force(metaData);
      return null;
    });
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return call(ch -> ch.map(mode, position, size));
  }

  // ---------------------------------------------------------------------------------------------
  // Relative: this channel's position, applied to the borrowed descriptor for the call

  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (positionLock) {
      int n = call(ch -> ch.read(dst, position));
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    synchronized (positionLock) {
      long n = call(ch -> {
        ch.position(position);
        return ch.read(dsts, offset, length);
      });
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    synchronized (positionLock) {
      int n = call(ch -> ch.write(src, position));
      position += n;
      return n;
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    synchronized (positionLock) {
      long n = call(ch -> {
        ch.position(position);
        return ch.write(srcs, offset, length);
      });
      position += n;
      return n;
    }
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    synchronized (positionLock) {
      return position;
    }
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position: position=" + newPosition);
    }
    synchronized (positionLock) {
      position = newPosition;
    }
    return this;
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException("file locks are not supported on a cached channel (its"
        + " descriptor may be closed at any time, which would release the lock): file=" + path);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    return lock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() {
    io.closed(this);
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public String toString() {
    return "CachedFileChannel{" + path + '}';
  }
}
