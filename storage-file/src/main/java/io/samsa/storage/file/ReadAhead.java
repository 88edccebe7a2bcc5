package io.samsa.storage.file;

/**
 * Follows the sequential readers of one segment and says which bytes to advise. A read that
 * starts where an earlier one ended (or at the segment's start) continues that reader's stream;
 * any other read starts a new stream, replacing the least recently used of {@value #STREAMS}.
 *
 * <p>For a stream it answers two ranges per read: bytes ahead to load ({@code WILLNEED}), each
 * time a quarter of the window has been read, so that three quarters or more are always on their
 * way (renewing at half left the reader waiting on a disk slower than it); and bytes behind to drop ({@code DONTNEED}), in
 * steps of at least {@value #DROP_STEP_BYTES} bytes, when the segment is sealed and flushed that
 * far. Thread-safe; the advice itself is given by the caller, outside the lock.
 */
final class ReadAhead {
  static final int STREAMS = 4;
  static final long DROP_STEP_BYTES = 1L << 20;

  /** What to advise after one read; empty ranges have {@code from >= to}. */
  record Advice(long loadFrom, long loadTo, long dropFrom, long dropTo) {
    static final Advice NONE = new Advice(0, 0, 0, 0);

    boolean load() {
      return loadTo > loadFrom;
    }

    boolean drop() {
      return dropTo > dropFrom;
    }
  }

  private final long window;
  private final boolean dropBehind;
  private final long[] next = new long[STREAMS]; // where each stream's next read starts; -1: free
  private final long[] loadedTo = new long[STREAMS];
  private final long[] droppedTo = new long[STREAMS];
  private final long[] lastUse = new long[STREAMS];
  private long clock;

  ReadAhead(long window, boolean dropBehind) {
    this.window = window;
    this.dropBehind = dropBehind;
    java.util.Arrays.fill(next, -1);
  }

  /**
   * Records a read of {@code length} bytes at {@code position}.
   *
   * @param size the segment's size now
   * @param droppableTo the end of the bytes that may be dropped (sealed and flushed), or 0
   */
  synchronized Advice onRead(long position, long length, long size, long droppableTo) {
    long end = position + length;
    int s = find(position);
    boolean sequential = s >= 0 || position == 0;
    if (s < 0) {
      s = victim();
      next[s] = end;
      loadedTo[s] = end;
      droppedTo[s] = position;
      if (!sequential) {
        lastUse[s] = ++clock;
        return Advice.NONE; // one read is not a pattern yet
      }
    }
    lastUse[s] = ++clock;
    next[s] = end;
    long loadFrom = 0;
    long loadTo = 0;
    if (window > 0 && loadedTo[s] - end <= window - window / 4) {
      loadFrom = Math.max(loadedTo[s], end);
      loadTo = Math.min(size, end + window);
      loadedTo[s] = Math.max(loadedTo[s], loadTo);
    }
    long dropFrom = 0;
    long dropTo = 0;
    long droppable = Math.min(position, droppableTo); // the reader is done with what precedes this read
    if (dropBehind && droppable - droppedTo[s] >= DROP_STEP_BYTES) {
      dropFrom = droppedTo[s];
      dropTo = droppable;
      droppedTo[s] = droppable;
    }
    return new Advice(loadFrom, loadTo, dropFrom, dropTo);
  }

  /** Forgets every stream (after a truncation moved the bytes). */
  synchronized void reset() {
    java.util.Arrays.fill(next, -1);
  }

  private int find(long position) {
    for (int i = 0; i < STREAMS; i++) {
      if (next[i] == position && position > 0) {
        return i;
      }
    }
    return -1;
  }

  private int victim() {
    int v = 0;
    for (int i = 0; i < STREAMS; i++) {
      if (next[i] < 0) {
        return i;
      }
      if (lastUse[i] < lastUse[v]) {
        v = i;
      }
    }
    return v;
  }
}
