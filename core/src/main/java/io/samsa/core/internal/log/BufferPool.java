package io.samsa.core.internal.log;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers for encoding batches on the append path, so that an append allocates nothing
 * once warm and the file channel writes without an extra copy. The pool holds a few buffers, so
 * its memory is bounded by the number of concurrent appenders, not by threads or partitions.
 * Batches larger than {@link #MAX_POOLED_BYTES} get a one-off heap buffer.
 */
public final class BufferPool {
  static final int MAX_POOLED_BYTES = 4 << 20;
  private static final int MIN_BYTES = 64 << 10;

  private final ArrayBlockingQueue<ByteBuffer> free;

  public BufferPool(int maxPooled) {
    this.free = new ArrayBlockingQueue<>(maxPooled);
  }

  /** A buffer with position 0 and limit {@code size}. */
  ByteBuffer acquire(int size) {
    if (size > MAX_POOLED_BYTES) {
      return ByteBuffer.allocate(size);
    }
    ByteBuffer b = free.poll();
    if (b == null || b.capacity() < size) {
      b = ByteBuffer.allocateDirect(Math.max(MIN_BYTES, Integer.highestOneBit(size - 1) << 1));
    }
    b.clear().limit(size);
    return b;
  }

  void release(ByteBuffer b) {
    if (b.isDirect()) {
      free.offer(b); // dropped if the pool is full
    }
  }
}
