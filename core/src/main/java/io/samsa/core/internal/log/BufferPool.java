package io.samsa.core.internal.log;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for encoding batches on the append path and for reading batches on the read
 * path, so that neither allocates once warm and file channels move bytes without an extra copy. The pool holds a few buffers, so
 * its memory is bounded by the number of concurrent appenders, not by threads or partitions.
 * Batches larger than {@link #MAX_POOLED_BYTES} get a one-off heap buffer.
 */
public final class BufferPool {
  static final int MAX_POOLED_BYTES = 4 << 20;
  private static final int MIN_BYTES = 64 << 10;

  private final ArrayBlockingQueue<ByteBuffer> free;
  private final int maxPooled;
  private final AtomicInteger direct = new AtomicInteger(); // direct buffers made and not dropped

  public BufferPool(int maxPooled) {
    this.free = new ArrayBlockingQueue<>(maxPooled);
    this.maxPooled = maxPooled;
  }

  /**
   * A buffer with position 0 and limit {@code size}: a pooled direct one, or, when all are in use
   * (more concurrent users than the pool holds) or {@code size} is large, a heap one.
   */
  ByteBuffer acquire(int size) {
    if (size > MAX_POOLED_BYTES) {
      return ByteBuffer.allocate(size);
    }
    ByteBuffer b = free.poll();
    if (b != null && b.capacity() < size) {
      direct.decrementAndGet(); // too small: replaced by a larger one below
      b = null;
    }
    if (b == null) {
      if (direct.incrementAndGet() > maxPooled) {
        direct.decrementAndGet();
        return ByteBuffer.allocate(size);
      }
      b = ByteBuffer.allocateDirect(Math.max(MIN_BYTES, Integer.highestOneBit(size - 1) << 1));
    }
    b.clear().limit(size);
    return b;
  }

  void release(ByteBuffer b) {
    if (b.isDirect() && !free.offer(b)) {
      direct.decrementAndGet();
    }
  }
}
