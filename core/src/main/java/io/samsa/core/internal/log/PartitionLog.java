package io.samsa.core.internal.log;

import io.samsa.AppendResult;
import io.samsa.CorruptRecordException;
import io.samsa.FlushPolicy;
import io.samsa.Log;
import io.samsa.LogReader;
import io.samsa.LogRecord;
import io.samsa.OffsetOutOfRangeException;
import io.samsa.ReadResult;
import io.samsa.ProducerRecord;
import io.samsa.RecordTooLargeException;
import io.samsa.SamsaException;
import io.samsa.SegmentInfo;
import io.samsa.StorageException;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.CorruptCheckpointException;
import io.samsa.spi.LeaderEpoch;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.spi.format.RecordBatchEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One partition's log over a backend {@link PartitionStore}.
 *
 * <h2>State</h2>
 * The segments (oldest first, the last one active), the log start and end offsets and the
 * recovery point; for a replicated log also the high watermark and the leader-epoch history
 * (both stored with the checkpoint; the history follows truncation, and after a crash the epochs
 * of the batches past the recovery point are read back from their headers). The end offset is published (a volatile write) only after a batch is wholly
 * written; readers bound every read by the end offset they saw, so they never see a partial batch.
 *
 * <h2>Locks, always taken in this order</h2>
 * <ol>
 *   <li>{@code appendLock}: serializes everything that changes the log (append, roll, truncate,
 *       retention, close).
 *   <li>{@code flushLock}: serializes forcing segments to disk and writing the checkpoint, which
 *       may run in the background without blocking appends.
 *   <li>a segment's own cut lock ({@link SegmentHandle}): readers hold its read side while they
 *       touch the segment's bytes; truncation and close take its write side, and so wait only
 *       for the in-flight reads of the segments they change.
 * </ol>
 * Readers take no lock of the partition: they hold a reference to the segment they read ({@link
 * #hold}). Retention and deletion only drop the log's reference to a segment; the last reader to
 * let go deletes it. A slow consumer never holds up an append or retention.
 *
 * <h2>Durability</h2>
 * Data is forced by the flush policy, by roll (in the background, for the rolled segment), by
 * {@link #flush()} and by close. The recovery point advances only past forced data; the checkpoint
 * holding it, and the log start offset, is written on roll, on a timer, on close, and before any
 * change that would make an older checkpoint wrong (raising the log start, truncating).
 */
public final class PartitionLog implements Log {
  private static final System.Logger LOG = System.getLogger(PartitionLog.class.getName());
  private static final int TIMESTAMP_SCAN_BYTES = 256 * 1024;

  private final TopicPartition tp;
  private final PartitionStore store;
  private final Clock clock;
  private final BufferPool buffers;
  private final BackgroundWork background;
  private volatile TopicConfig config;

  private final ReentrantLock appendLock = new ReentrantLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ReentrantLock signalLock = new ReentrantLock();
  private final Condition appended = signalLock.newCondition();
  private final AtomicInteger waiters = new AtomicInteger();

  private volatile SegmentHandle[] segments;
  /** Handles removed from the list whose last reader has not let go yet. */
  private final java.util.Set<SegmentHandle> retiring = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /**
   * Changes at the start and at the end of every truncation, so that a reader that read it before
   * holding a segment can tell that a cut overlapped what it read since (a sequence lock).
   */
  private volatile long truncations;
  private final LogReads reads;
  private volatile long logStartOffset;
  private volatile long logEndOffset;
  private volatile long recoveryPoint;
  /**
   * Everything below it is committed (replication). Checkpointed; kept at or below the log end.
   * Only meaningful once the log has an epoch history: an unreplicated log checkpoints its end.
   */
  private volatile long highWatermark;
  /** Null while open; what every call throws once closed. */
  private volatile Supplier<SamsaException> closed;
  /** Set when a failure left the in-memory state unreliable; every call throws it. */
  private volatile StorageException failure;
  private volatile Throwable backgroundFailure;

  // Guarded by flushLock.
  private PartitionCheckpoint lastCheckpoint;
  private final List<LeaderEpoch> leaderEpochs;

  // Guarded by appendLock.
  private long unflushedMessages;
  private long firstUnflushedMs = -1;
  private long activeSinceMs = -1;

  /** Where the log schedules background flushes of rolled segments. */
  public interface BackgroundWork {
    void submit(Runnable task);
  }

  private PartitionLog(TopicPartition tp, PartitionStore store, TopicConfig config, Clock clock,
      BufferPool buffers, BackgroundWork background, LogLoader.Loaded loaded, long highWatermark) {
    this.tp = tp;
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.buffers = buffers;
    this.background = background;
    this.logStartOffset = loaded.logStartOffset();
    this.logEndOffset = loaded.logEndOffset();
    this.recoveryPoint = loaded.recoveryPoint();
    this.leaderEpochs = new ArrayList<>(loaded.leaderEpochs());
    // Recovery may have cut batches that opened an epoch: the history follows the log.
    this.leaderEpochs.removeIf(e -> e.startOffset() > loaded.logEndOffset());
    this.highWatermark = Math.max(loaded.logStartOffset(), Math.min(highWatermark, loaded.logEndOffset()));
    List<Segment> loadedSegments = loaded.segments();
    SegmentHandle[] handles = new SegmentHandle[loadedSegments.size()];
    for (int i = 0; i < handles.length; i++) {
      handles[i] = handle(loadedSegments.get(i));
    }
    this.segments = handles;
    this.reads = new LogReads(this);
  }

  /** A handle whose last release deletes the segment (it was removed from the list before). */
  private SegmentHandle handle(Segment segment) {
    return new SegmentHandle(segment, h -> {
      retiring.remove(h);
      try {
        h.segment.delete();
      } catch (IOException e) {
        // The log start is stored already: the next open deletes what is left.
        backgroundFailed("delete of " + h.name(), e);
      }
    });
  }

  /**
   * Opens a partition's log, recovering it if the store was not shut down cleanly.
   *
   * @return the log and what recovery cut, if anything
   */
  public static Opened open(TopicPartition tp, PartitionStore store, TopicConfig config, Clock clock,
      BufferPool buffers, BackgroundWork background, boolean cleanShutdown) throws IOException {
    long highWatermark = checkpointedHighWatermark(store);
    LogLoader.Loaded loaded = LogLoader.load(tp, store, cleanShutdown);
    PartitionLog log = new PartitionLog(tp, store, config, clock, buffers, background, loaded,
        highWatermark);
    log.activeSinceMs = log.firstBatchTimestamp(log.active());
    if (loaded.recovered()) {
      log.rebuildEpochsFrom(loaded.recoveryPoint());
    }
    // A new, empty partition needs no checkpoint yet: without one, the next open recovers from
    // the log start, which is all there is. (Thousands of new partitions save two fsyncs each.)
    boolean empty = loaded.logStartOffset() == 0 && loaded.logEndOffset() == 0;
    log.flushLock.lock();
    try {
      if (loaded.checkpointFound() || !empty) {
        log.writeCheckpoint();
      } else {
        log.lastCheckpoint = log.currentCheckpoint(); // what a missing checkpoint means
      }
    } finally {
      log.flushLock.unlock();
    }
    return new Opened(log, loaded.recovered(), loaded.cuts());
  }

  /** The high watermark of the last checkpoint, or 0 if there is none or it cannot be read. */
  private static long checkpointedHighWatermark(PartitionStore store) {
    try {
      return store.readCheckpoint().map(PartitionCheckpoint::highWatermark).orElse(0L);
    } catch (IOException | CorruptCheckpointException e) {
      return 0L; // the loader reports an unreadable checkpoint and recovers everything
    }
  }

  /** A log just opened, whether it was scanned, and what its recovery cut. */
  public record Opened(
      PartitionLog log, boolean recovered,
      java.util.Optional<io.samsa.RecoveryReport.PartitionRecovery> cuts) {}

  @Override
  public TopicPartition topicPartition() {
    return tp;
  }

  public TopicConfig config() {
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // Appending

  @Override
  public AppendResult append(ProducerRecord record) {
    return append(List.of(record));
  }

  @Override
  public AppendResult append(List<ProducerRecord> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("append needs at least one record: partition=" + tp);
    }
    appendLock.lock();
    try {
      ensureOpen();
      rethrowBackgroundFailure();
      TopicConfig cfg = config;
      long now = clock.millis();
      long size = RecordBatchEncoder.batchSize(records, now);
      int limit = Math.min(cfg.maxBatchBytes(), cfg.segmentBytes());
      if (size > limit) {
        throw new RecordTooLargeException(tp, size, limit);
      }
      long base = logEndOffset;
      long last = base + records.size() - 1;
      ByteBuffer batch = buffers.acquire((int) size);
      long batchMaxTimestamp;
      try {
        RecordBatchEncoder.encode(batch, records, base, currentEpoch(), now);
        batch.flip();
        batchMaxTimestamp = RecordBatchDescriptor.maxTimestamp(batch, 0);
        maybeRoll((int) size, last, batchMaxTimestamp);
        SegmentHandle active = active();
        long before = active.segment.sizeInBytes();
        active.segment.append(batch);
        // Bytes encoded here are valid by construction.
        active.verified(before, before + size);
      } catch (IOException e) {
        throw Failures.io("append", tp, active().name(), e);
      } finally {
        buffers.release(batch);
      }
      if (activeSinceMs < 0) {
        activeSinceMs = batchMaxTimestamp;
      }
      logEndOffset = last + 1; // publish: readers may now see the batch
      signalAppended();
      afterAppend(records.size(), now, cfg.flushPolicy());
      return new AppendResult(tp, base, last, now);
    } finally {
      appendLock.unlock();
    }
  }

  private int currentEpoch() {
    return leaderEpochs.isEmpty()
        ? RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH
        : leaderEpochs.get(leaderEpochs.size() - 1).epoch();
  }

  /**
   * Kafka's roll rule: the batch would overflow the segment, or the segment is older than {@code
   * segment.ms} (measured, as Kafka does, from its first batch's timestamp to the incoming
   * batch's), or an index is full, or the batch's offsets are too far from the segment base.
   */
  private void maybeRoll(int batchSize, long lastOffset, long batchMaxTimestamp) throws IOException {
    SegmentHandle active = active();
    long activeSize = active.segment.sizeInBytes();
    if (activeSize == 0) {
      return;
    }
    TopicConfig cfg = config;
    boolean full = activeSize + batchSize > cfg.segmentBytes();
    boolean old = activeSinceMs >= 0 && batchMaxTimestamp - activeSinceMs > cfg.segmentMs();
    boolean overflow = lastOffset - active.baseOffset > Integer.MAX_VALUE;
    if (full || old || overflow || active.segment.isFull()) {
      rollLocked();
    }
  }

  private void afterAppend(int count, long now, FlushPolicy policy) {
    unflushedMessages += count;
    if (firstUnflushedMs < 0) {
      firstUnflushedMs = now;
    }
    if (unflushedMessages >= policy.messages()) {
      flushLocked();
    }
  }

  /** Flushes everything appended so far; the caller holds the append lock. */
  private void flushLocked() {
    unflushedMessages = 0;
    firstUnflushedMs = -1;
    flushTo(logEndOffset);
  }

  // ---------------------------------------------------------------------------------------------
  // Replication: leader epochs, follower appends, the high watermark

  /** The end of a leader epoch in this log: {@code endOffset} is where the next epoch starts. */
  public record EpochEnd(int epoch, long endOffset) {
    /** The answer for an epoch older than the whole history. */
    public static final EpochEnd UNDEFINED = new EpochEnd(-1, -1L);
  }

  /** The newest epoch in the history, or -1 if it is empty. */
  public int latestEpoch() {
    appendLock.lock();
    try {
      return currentEpoch();
    } finally {
      appendLock.unlock();
    }
  }

  /** The epoch history, oldest first. */
  public List<LeaderEpoch> leaderEpochs() {
    appendLock.lock();
    try {
      return List.copyOf(leaderEpochs);
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Starts leader epoch {@code epoch} at the log end: the batches this log appends from now on
   * are stamped with it. The entry is kept in memory and stored with the next checkpoint (a
   * leader change costs no fsync per partition); after a crash, recovery finds the epochs of the
   * batches past the stored recovery point in their headers. An epoch not above the newest is
   * ignored.
   */
  public void assignLeaderEpoch(int epoch) {
    appendLock.lock();
    try {
      ensureOpen();
      if (epoch > currentEpoch()) {
        // An entry of an epoch that wrote nothing is replaced, as Kafka's epoch cache does.
        if (!leaderEpochs.isEmpty() && leaderEpochs.get(leaderEpochs.size() - 1).startOffset() == logEndOffset) {
          leaderEpochs.remove(leaderEpochs.size() - 1);
        }
        leaderEpochs.add(new LeaderEpoch(epoch, logEndOffset));
      }
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * After an unclean shutdown, adds the epochs of the batches past the recovery point to the
   * history, as Kafka's recovery does: entries are stored with the checkpoint (roll, timer,
   * truncation, close), not at each leader change, so the batches past the last checkpoint may
   * hold epochs the stored history lacks. Everything below the recovery point was covered by the
   * checkpoint that stored the point.
   */
  private void rebuildEpochsFrom(long offset) throws IOException {
    long next = Math.max(offset, logStartOffset);
    if (next >= logEndOffset || epochOfBatchHolding(logEndOffset - 1) <= currentEpoch()) {
      // Epochs never decrease along a log (recovery cuts where they do): if the last batch
      // starts no newer epoch, none before it does. An unreplicated log ends here, unscanned.
      return;
    }
    while (next < logEndOffset) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      reads.transferTo(next, 1 << 20, java.nio.channels.Channels.newChannel(bytes));
      ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
      int at = 0;
      long before = next;
      while (at + RecordBatchDescriptor.HEADER_SIZE <= buf.limit()) {
        int epoch = RecordBatchDescriptor.partitionLeaderEpoch(buf, at);
        long base = RecordBatchDescriptor.baseOffset(buf, at);
        if (epoch != RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH && epoch > currentEpoch()) {
          leaderEpochs.add(new LeaderEpoch(epoch, Math.max(base, logStartOffset)));
        }
        next = Math.max(next, RecordBatchDescriptor.lastOffset(buf, at) + 1);
        at += RecordBatchDescriptor.batchSize(buf, at);
      }
      if (next == before) {
        return; // nothing readable: recovery left no whole batch here
      }
    }
  }

  /** The partition leader epoch stamped in the batch holding {@code offset}. */
  private int epochOfBatchHolding(long offset) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    reads.transferTo(offset, 1, java.nio.channels.Channels.newChannel(bytes)); // that batch, whole
    ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
    return buf.limit() < RecordBatchDescriptor.HEADER_SIZE
        ? RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH
        : RecordBatchDescriptor.partitionLeaderEpoch(buf, 0);
  }

  /**
   * Kafka's OffsetsForLeaderEpoch answer: for the newest epoch, the log end; otherwise the largest
   * epoch at or below {@code epoch} and the start offset of the epoch after it. {@link
   * EpochEnd#UNDEFINED} if {@code epoch} is older than the history.
   */
  public EpochEnd endOffsetForEpoch(int epoch) {
    appendLock.lock();
    try {
      ensureOpen();
      if (leaderEpochs.isEmpty()) {
        return EpochEnd.UNDEFINED;
      }
      if (epoch == currentEpoch()) {
        return new EpochEnd(epoch, logEndOffset);
      }
      for (int i = leaderEpochs.size() - 1; i >= 0; i--) {
        LeaderEpoch e = leaderEpochs.get(i);
        if (e.epoch() <= epoch) {
          long end = i + 1 < leaderEpochs.size() ? leaderEpochs.get(i + 1).startOffset() : logEndOffset;
          return new EpochEnd(e.epoch(), end);
        }
      }
      return EpochEnd.UNDEFINED;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Appends a leader's batches as they are: their offsets and leader epochs are kept. Each batch
   * is validated (frame, CRC-32C); batches wholly below the log end are skipped (a repeated
   * fetch); the first new batch must start at the log end and epochs must not go back. A batch of
   * a newer epoch opens an entry in the history, stored before the batch.
   *
   * @return the log end offset afterwards
   * @throws io.samsa.CorruptRecordException if a batch is damaged, leaves a gap, or goes back in
   *     epoch; nothing from that batch on is appended
   */
  public long appendAsFollower(ByteBuffer batches) {
    appendLock.lock();
    try {
      ensureOpen();
      rethrowBackgroundFailure();
      TopicConfig cfg = config;
      int at = batches.position();
      int count = 0;
      long now = clock.millis();
      while (at < batches.limit()) {
        int size = io.samsa.spi.format.BatchValidator.ensureValid(
            batches, at, batches.limit() - at, "fetch of " + tp, at);
        // A CRC that holds says the bytes are the sender's, not that its records are well
        // formed: refuse malformed ones here rather than store a batch that every read refuses.
        RecordBatchDecoder.checkRecords(batches, at, "fetch of " + tp, at);
        long base = RecordBatchDescriptor.baseOffset(batches, at);
        long last = RecordBatchDescriptor.lastOffset(batches, at);
        int epoch = RecordBatchDescriptor.partitionLeaderEpoch(batches, at);
        if (last < logEndOffset) {
          at += size;
          continue;
        }
        if (base != logEndOffset) {
          throw new CorruptRecordException("fetch of " + tp, at, "batch does not continue the log: baseOffset="
              + base + ", logEndOffset=" + logEndOffset);
        }
        if (epoch < currentEpoch()) {
          throw new CorruptRecordException("fetch of " + tp, at, "batch goes back in leader epoch: epoch="
              + epoch + ", latestEpoch=" + currentEpoch());
        }
        if (epoch > currentEpoch()) {
          leaderEpochs.add(new LeaderEpoch(epoch, base));
        }
        ByteBuffer batch = batches.duplicate();
        batch.limit(at + size).position(at);
        long batchMaxTimestamp = RecordBatchDescriptor.maxTimestamp(batches, at);
        try {
          maybeRoll(size, last, batchMaxTimestamp);
          SegmentHandle active = active();
          long before = active.segment.sizeInBytes();
          active.segment.append(batch.slice());
          active.verified(before, before + size); // validated above
        } catch (IOException e) {
          throw Failures.io("append", tp, active().name(), e);
        }
        if (activeSinceMs < 0) {
          activeSinceMs = batchMaxTimestamp;
        }
        logEndOffset = last + 1;
        count += (int) (last - base + 1);
        at += size;
      }
      if (count > 0) {
        signalAppended();
        afterAppend(count, now, cfg.flushPolicy());
      }
      return logEndOffset;
    } finally {
      appendLock.unlock();
    }
  }

  /** Everything below it is committed; at most the log end offset. */
  public long highWatermark() {
    ensureOpen();
    return Math.min(highWatermark, logEndOffset);
  }

  /**
   * Sets the high watermark (clamped to the log start and end). It is stored with the next
   * checkpoint; the replication layer decides whether it may move back (on a follower it may).
   */
  public void updateHighWatermark(long offset) {
    appendLock.lock();
    try {
      ensureOpen();
      highWatermark = Math.max(logStartOffset, Math.min(offset, logEndOffset));
    } finally {
      appendLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rolling and flushing

  @Override
  public void roll() {
    appendLock.lock();
    try {
      ensureOpen();
      rollLocked();
    } catch (IOException e) {
      throw Failures.io("roll", tp, active().name(), e);
    } finally {
      appendLock.unlock();
    }
  }

  private void rollLocked() throws IOException {
    SegmentHandle active = active();
    if (active.segment.sizeInBytes() == 0) {
      return;
    }
    active.segment.seal();
    active.sealPending = true; // the checkpoint stays below it until a flush forces the seal
    Segment next = store.createSegment(logEndOffset);
    SegmentHandle[] current = segments;
    SegmentHandle[] grown = Arrays.copyOf(current, current.length + 1);
    grown[current.length] = handle(next);
    segments = grown;
    activeSinceMs = -1;
    long rolledEnd = next.baseOffset();
    // As Kafka does: force the rolled segment in the background, then move the recovery point.
    background.submit(() -> {
      try {
        if (closed == null) {
          flushSealed(active);
          flushTo(rolledEnd);
          checkpoint();
        }
      } catch (RuntimeException e) {
        backgroundFailed("flush after roll", e);
      }
    });
  }

  @Override
  public void flush() {
    appendLock.lock();
    try {
      ensureOpen();
      rethrowBackgroundFailure();
      flushLocked();
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Forces every segment holding offsets in {@code [recoveryPoint, target)} and moves the
   * recovery point to {@code target}. Does not block appends.
   */
  void flushTo(long requested) {
    flushLock.lock();
    try {
      // A flush scheduled at a roll may run after a truncation: never past the current end.
      long target = Math.min(requested, logEndOffset);
      if (target <= recoveryPoint || closed != null) {
        return;
      }
      if (failure != null) {
        throw new StorageException(failure.getMessage(), failure.getCause());
      }
      SegmentHandle[] snapshot = segments;
      for (int i = 0; i < snapshot.length; i++) {
        long end = i + 1 < snapshot.length ? snapshot[i + 1].baseOffset : Long.MAX_VALUE;
        if ((end > recoveryPoint || snapshot[i].sealPending) && snapshot[i].baseOffset < target) {
          try {
            snapshot[i].segment.flush();
            if (i + 1 < snapshot.length) {
              snapshot[i].sealPending = false;
            }
          } catch (IOException e) {
            // After a failed fsync nothing since the last good one can be trusted to be on disk
            // (the kernel may have dropped the dirty pages): the partition stops here, the
            // recovery point never moves again, and the next open recovers it.
            fail("flush of " + snapshot[i].name(), e);
            throw Failures.io("flush", tp, snapshot[i].name(), e);
          }
        }
      }
      recoveryPoint = target;
    } finally {
      flushLock.unlock();
    }
  }

  /** Forces a sealed segment (its data and its seal), even if its data was durable already. */
  private void flushSealed(SegmentHandle h) {
    flushLock.lock();
    try {
      if (h.sealPending && closed == null && failure == null && !h.isRetired()) {
        try {
          h.segment.flush();
        } catch (IOException e) {
          fail("flush of " + h.name(), e);
          throw Failures.io("flush", tp, h.name(), e);
        }
        h.sealPending = false;
      }
    } finally {
      flushLock.unlock();
    }
  }

  /** The store's buffers, for reads as for appends. */
  BufferPool buffers() {
    return buffers;
  }

  /** Writes the checkpoint if it changed. */
  public void checkpoint() {
    flushLock.lock();
    try {
      if (closed == null) {
        writeCheckpoint();
      }
    } finally {
      flushLock.unlock();
    }
  }

  /** Caller holds flushLock. See {@link #writeCheckpoint()}. */
  private PartitionCheckpoint currentCheckpoint() {
    long end = logEndOffset;
    long point = Math.min(recoveryPoint, end);
    for (SegmentHandle h : segments) {
      if (h.sealPending) {
        point = Math.min(point, h.baseOffset);
        break;
      }
    }
    long committed = leaderEpochs.isEmpty() ? end : Math.min(highWatermark, end);
    return new PartitionCheckpoint(point, logStartOffset, committed, leaderEpochs);
  }

  /**
   * Caller holds flushLock. The recovery point written never passes a sealed segment whose seal
   * is not yet on disk: recovery does not scan below it, so what is below must be final.
   */
  private void writeCheckpoint() {
    PartitionCheckpoint cp = currentCheckpoint();
    if (cp.equals(lastCheckpoint)) {
      return;
    }
    try {
      store.writeCheckpoint(cp);
    } catch (IOException e) {
      throw Failures.io("checkpoint", tp, null, e);
    }
    lastCheckpoint = cp;
  }

  /** Background flush by time: flushes if unflushed data is older than the policy allows. */
  public void flushIfDue(long now) {
    long interval = config.flushPolicy().intervalMs();
    if (interval == Long.MAX_VALUE) {
      return;
    }
    appendLock.lock();
    try {
      if (closed != null || firstUnflushedMs < 0 || now - firstUnflushedMs < interval) {
        return;
      }
      unflushedMessages = 0;
      firstUnflushedMs = -1;
    } finally {
      appendLock.unlock();
    }
    flushTo(logEndOffset);
  }

  /** Records a failure of background work, to be thrown at the next append or flush. */
  public void backgroundFailed(String what, Throwable e) {
    LOG.log(System.Logger.Level.WARNING, "partition " + tp + ": background " + what + " failed", e);
    backgroundFailure = e;
  }

  private void rethrowBackgroundFailure() {
    Throwable failure = backgroundFailure;
    if (failure != null) {
      backgroundFailure = null;
      throw new StorageException("background work failed earlier: partition=" + tp + ", error="
          + failure, failure);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public ReadResult read(long offset, int maxBytes) {
    requireMaxBytes(maxBytes);
    return reads.read(offset, maxBytes);
  }

  @Override
  public long transferTo(long offset, int maxBytes, WritableByteChannel target) throws IOException {
    requireMaxBytes(maxBytes);
    return reads.transferTo(offset, maxBytes, target);
  }

  @Override
  public LogReader reader(long offset) {
    ensureOpen();
    return new PartitionLogReader(this, offset, 1 << 20);
  }

  @Override
  public OptionalLong offsetForTimestamp(long timestampMs) {
    return reads.offsetForTimestamp(timestampMs);
  }

  /**
   * A reader's hold on the segment holding {@code offset}: retained and read-locked, so it is
   * neither deleted nor cut while held; {@code handle} is null when the offset is the log end.
   * {@code logEnd} bounds the read: batches at or past it are not the reader's to see.
   */
  record Hold(SegmentHandle handle, long logStart, long logEnd) {}

  /**
   * Holds the segment holding {@code offset}; release with {@link #let}.
   *
   * @throws OffsetOutOfRangeException if the offset is below the log start or above the log end
   */
  Hold hold(long offset) {
    while (true) {
      ensureOpen();
      long cuts = truncations;
      // The end first: a reader that sees an end also sees the segments that hold it.
      long end = logEndOffset;
      long start = logStartOffset;
      if (offset < start || offset > end) {
        throw new OffsetOutOfRangeException(tp, offset, start, end);
      }
      if (offset == end) {
        return new Hold(null, start, end);
      }
      SegmentHandle h = floor(segments, offset);
      if (h.baseOffset > offset) {
        // Retention deleted the segments holding offset since the start was read: it is below
        // the log start now.
        throw new OffsetOutOfRangeException(tp, offset, Math.max(start, h.baseOffset), end);
      }
      if (holdSegment(h, cuts)) {
        return new Hold(h, start, end);
      }
    }
  }

  /**
   * Retains and read-locks {@code h}; false (holding nothing) if it was removed, or anything was
   * truncated since the caller read {@code cuts}: the caller looks again.
   */
  boolean holdSegment(SegmentHandle h, long cuts) {
    if (!h.retain()) {
      return false;
    }
    h.readLock().lock();
    if (h.isRetired() || cuts != truncations || closed != null || failure != null) {
      letSegment(h);
      ensureOpen();
      return false;
    }
    return true;
  }

  void let(Hold hold) {
    if (hold.handle() != null) {
      letSegment(hold.handle());
    }
  }

  void letSegment(SegmentHandle h) {
    h.readLock().unlock();
    h.release();
  }

  /** The segments and offsets at one moment, for readers that walk several segments. */
  record Snapshot(SegmentHandle[] segments, long logStart, long logEnd, long truncations) {}

  Snapshot snapshot() {
    ensureOpen();
    long cuts = truncations;
    long end = logEndOffset;
    return new Snapshot(segments, logStartOffset, end, cuts);
  }

  /** Waits until the log end passes {@code offset}, the timeout passes, or the log closes. */
  void awaitAppend(long offset, long timeoutNanos) throws InterruptedException {
    waiters.incrementAndGet();
    signalLock.lock();
    try {
      long nanos = timeoutNanos;
      while (logEndOffset <= offset && nanos > 0 && closed == null) {
        nanos = appended.awaitNanos(nanos);
      }
    } finally {
      signalLock.unlock();
      waiters.decrementAndGet();
    }
  }

  private void signalAppended() {
    if (waiters.get() > 0) {
      signalLock.lock();
      try {
        appended.signalAll();
      } finally {
        signalLock.unlock();
      }
    }
  }

  private static void requireMaxBytes(int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0: maxBytes=" + maxBytes);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets and segments

  @Override
  public long logStartOffset() {
    ensureOpen();
    return logStartOffset;
  }

  @Override
  public long logEndOffset() {
    ensureOpen();
    return logEndOffset;
  }

  @Override
  public long recoveryPoint() {
    ensureOpen();
    return recoveryPoint;
  }

  @Override
  public long sizeInBytes() {
    long total = 0;
    for (SegmentInfo s : segments()) {
      total += s.sizeInBytes();
    }
    return total;
  }

  @Override
  public List<SegmentInfo> segments() {
    retry:
    while (true) {
      Snapshot snap = snapshot();
      SegmentHandle[] handles = snap.segments();
      List<SegmentInfo> infos = new ArrayList<>(handles.length);
      for (int i = 0; i < handles.length; i++) {
        SegmentHandle h = handles[i];
        if (!holdSegment(h, snap.truncations())) {
          continue retry;
        }
        try {
          boolean last = i == handles.length - 1;
          long next = last ? snap.logEnd() : handles[i + 1].baseOffset;
          infos.add(new SegmentInfo(h.baseOffset, next, h.segment.sizeInBytes(), h.segment.maxTimestamp(),
              last));
        } catch (IOException e) {
          throw Failures.io("describe segments", tp, h.name(), e);
        } finally {
          letSegment(h);
        }
      }
      return infos;
    }
  }

  @Override
  public long deleteRecordsBefore(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: offset=" + offset);
    }
    appendLock.lock();
    try {
      ensureOpen();
      long end = logEndOffset;
      if (offset > end) {
        throw new OffsetOutOfRangeException(tp, offset, logStartOffset, end);
      }
      if (offset > logStartOffset) {
        raiseLogStart(offset);
        SegmentHandle[] snapshot = segments;
        int deletable = 0;
        while (deletable < snapshot.length - 1 && snapshot[deletable + 1].baseOffset <= offset) {
          deletable++;
        }
        deleteOldest(deletable);
      }
      return logStartOffset;
    } finally {
      appendLock.unlock();
    }
  }

  @Override
  public int applyRetention() {
    appendLock.lock();
    try {
      ensureOpen();
      TopicConfig cfg = config;
      long now = clock.millis();
      SegmentHandle[] snapshot = segments;
      long size = 0;
      for (SegmentHandle h : snapshot) {
        size += h.segment.sizeInBytes();
      }
      int deletable = 0;
      // Oldest first, sealed segments only; stop at the first one that must stay.
      while (deletable < snapshot.length - 1) {
        Segment s = snapshot[deletable].segment;
        long segmentSize = s.sizeInBytes();
        boolean belowStart = snapshot[deletable + 1].baseOffset <= logStartOffset;
        boolean tooBig = cfg.retentionBytes() != TopicConfig.UNLIMITED
            && size - segmentSize >= cfg.retentionBytes();
        boolean tooOld = cfg.retentionMs() != Long.MAX_VALUE
            && now - s.maxTimestamp() > cfg.retentionMs();
        if (!(belowStart || tooBig || tooOld)) {
          break;
        }
        size -= segmentSize;
        deletable++;
      }
      if (deletable == 0) {
        return 0;
      }
      raiseLogStart(snapshot[deletable].baseOffset);
      return deleteOldest(deletable);
    } catch (IOException e) {
      throw Failures.io("retention", tp, null, e);
    } finally {
      appendLock.unlock();
    }
  }

  /** Raises and checkpoints the log start offset; caller holds appendLock. */
  private void raiseLogStart(long offset) {
    flushLock.lock();
    try {
      if (offset > logStartOffset) {
        logStartOffset = offset;
        highWatermark = Math.max(highWatermark, offset);
        // Stored before any segment goes, so that a crash can never bring the old start back.
        writeCheckpoint();
      }
    } finally {
      flushLock.unlock();
    }
  }

  /**
   * Removes the {@code count} oldest segments (never the active one) from the log; each is deleted
   * when its last reader lets go. Caller holds appendLock.
   */
  private int deleteOldest(int count) {
    if (count == 0) {
      return 0;
    }
    SegmentHandle[] snapshot = segments;
    SegmentHandle[] victims = Arrays.copyOfRange(snapshot, 0, count);
    segments = Arrays.copyOfRange(snapshot, count, snapshot.length);
    retire(victims);
    return victims.length;
  }

  /** Drops the log's references; a victim nobody reads is deleted now, others by their reader. */
  private void retire(SegmentHandle[] victims) {
    for (SegmentHandle v : victims) {
      retiring.add(v);
      v.retire();
    }
  }

  @Override
  public void truncateTo(long offset) {
    appendLock.lock();
    try {
      ensureOpen();
      long start = logStartOffset;
      long end = logEndOffset;
      if (offset < start || offset > end) {
        throw new OffsetOutOfRangeException(tp, offset, start, end);
      }
      if (offset == end) {
        // A leader epoch that wrote nothing ends here too: the history follows the cut.
        if (!leaderEpochs.isEmpty() && leaderEpochs.get(leaderEpochs.size() - 1).startOffset() >= offset) {
          flushLock.lock();
          try {
            truncateEpochs(offset);
            writeCheckpoint();
          } finally {
            flushLock.unlock();
          }
        }
        return;
      }
      truncateLocked(offset);
      signalAppended();
    } finally {
      appendLock.unlock();
    }
  }

  private void truncateLocked(long offset) {
    flushLock.lock();
    try {
      SegmentHandle[] snapshot = segments;
      int index = floorIndex(snapshot, offset);
      SegmentHandle h = snapshot[index];
      // The batch holding the offset: truncation cuts at its start and, if the offset falls inside
      // it, appends the records below the offset again as a batch of their own.
      ByteBuffer batch;
      try {
        BatchSlice slice = h.segment.read(offset, logEndOffset, 0);
        batch = ByteBuffer.allocate(slice.sizeInBytes());
        slice.readFully(batch);
        batch.flip();
        io.samsa.spi.format.BatchValidator.ensureValid(batch, 0, batch.limit(), h.name(), slice.position());
      } catch (IOException e) {
        throw Failures.io("truncate", tp, h.name(), e);
      }
      long batchBase = RecordBatchDescriptor.baseOffset(batch, 0);
      List<ProducerRecord> kept = new ArrayList<>();
      if (batchBase < offset) {
        for (LogRecord r : RecordBatchDecoder.decode(batch, 0, h.name(), 0)) {
          if (r.offset() < offset) {
            kept.add(r.toProducerRecord());
          }
        }
      }
      // The lowered recovery point is stored before any byte goes.
      long durableBefore = recoveryPoint;
      if (recoveryPoint > batchBase) {
        recoveryPoint = batchBase;
        writeCheckpoint();
      }
      // Wait for the in-flight reads of every segment this cuts or removes; readers arriving later
      // see them cut or retired and look again.
      SegmentHandle[] victims = Arrays.copyOfRange(snapshot, index + 1, snapshot.length);
      h.writeLock().lock();
      for (SegmentHandle v : victims) {
        v.writeLock().lock();
      }
      try {
        truncations++; // odd while cutting, and changed again at the end: see hold()
        segments = Arrays.copyOfRange(snapshot, 0, index + 1);
        h.segment.truncateTo(batchBase);
        h.truncated(h.segment.sizeInBytes());
        if (!kept.isEmpty()) {
          int epoch = RecordBatchDescriptor.partitionLeaderEpoch(batch, 0);
          ByteBuffer again = ByteBuffer.allocate((int) RecordBatchEncoder.batchSize(kept, 0));
          RecordBatchEncoder.encode(again, kept, batchBase, epoch, 0);
          again.flip();
          h.segment.append(again);
        }
        // Commit point: the cut must be on disk before anything is appended in its place, or a
        // crash could bring the removed records back under offsets that now hold others. For the
        // same reason the later segments go now, not when their last reader lets go.
        h.segment.flush();
        h.sealPending = false;
        for (SegmentHandle v : victims) {
          v.deleteNow();
        }
        recoveryPoint = Math.min(durableBefore, offset);
        logEndOffset = offset;
      } catch (IOException e) {
        fail("truncateTo(" + offset + ")", e);
        throw Failures.io("truncate", tp, h.name(), e);
      } finally {
        truncations++; // a reader that overlapped the cut in any way sees a changed count
        for (SegmentHandle v : victims) {
          v.retire();
          v.writeLock().unlock();
        }
        h.writeLock().unlock();
      }
      activeSinceMs = firstBatchTimestamp(h);
      truncateEpochs(offset);
      writeCheckpoint();
    } finally {
      flushLock.unlock();
    }
  }

  private void truncateEpochs(long offset) {
    leaderEpochs.removeIf(e -> e.startOffset() >= offset);
    highWatermark = Math.min(highWatermark, offset);
  }

  /** The max timestamp of a segment's first batch (where its age for rolling starts), or -1. */
  private long firstBatchTimestamp(SegmentHandle h) {
    try {
      if (h.segment.sizeInBytes() == 0) {
        return -1;
      }
      BatchSlice first = h.segment.read(h.baseOffset, Long.MAX_VALUE, 0);
      ByteBuffer header = ByteBuffer.allocate(first.sizeInBytes());
      first.readFully(header);
      return header.limit() >= RecordBatchDescriptor.HEADER_SIZE
          ? RecordBatchDescriptor.maxTimestamp(header, 0)
          : -1;
    } catch (IOException e) {
      throw Failures.io("read first batch", tp, h.name(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  /**
   * Flushes everything, writes the checkpoint and closes the backend's partition store, after the
   * reads in flight have finished. Idempotent.
   *
   * @throws StorageException if the log had failed or flushing fails: it is not closed cleanly
   */
  public void close(Supplier<SamsaException> reason) {
    appendLock.lock();
    try {
      flushLock.lock();
      try {
        if (closed != null) {
          return;
        }
        closed = reason; // reads that start from now on fail
        awaitReaders();
        try {
          if (failure != null) {
            // Nothing trustworthy to flush; say so, so that the store is not marked clean.
            throw new StorageException(failure.getMessage(), failure.getCause());
          }
          SegmentHandle[] snapshot = segments;
          for (int i = 0; i < snapshot.length; i++) {
            boolean unflushed = i + 1 == snapshot.length || snapshot[i + 1].baseOffset > recoveryPoint;
            if (unflushed || snapshot[i].sealPending) {
              snapshot[i].segment.flush();
              snapshot[i].sealPending = false;
            }
          }
          recoveryPoint = logEndOffset;
          writeCheckpoint();
        } catch (IOException e) {
          throw Failures.io("close", tp, null, e);
        } finally {
          closeStore();
        }
      } finally {
        flushLock.unlock();
      }
    } finally {
      appendLock.unlock();
      wakeReaders();
    }
  }

  /** Closes without flushing: the partition is being deleted. */
  public void abandon(Supplier<SamsaException> reason) {
    appendLock.lock();
    try {
      flushLock.lock();
      try {
        if (closed == null) {
          closed = reason;
          awaitReaders();
          closeStore();
        }
      } finally {
        flushLock.unlock();
      }
    } finally {
      appendLock.unlock();
      wakeReaders();
    }
  }

  /** Waits for every read in flight; {@code closed} is set, so no new one gets in. */
  private void awaitReaders() {
    List<SegmentHandle> all = new ArrayList<>(Arrays.asList(segments));
    all.addAll(retiring);
    for (SegmentHandle h : all) {
      h.writeLock().lock();
      h.writeLock().unlock();
    }
  }

  private void closeStore() {
    try {
      store.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "partition " + tp + ": closing its store failed", e);
    }
  }

  private void wakeReaders() {
    signalLock.lock();
    try {
      appended.signalAll();
    } finally {
      signalLock.unlock();
    }
  }

  /** A failure left the log unreliable: refuse everything, and never mark it clean. */
  private void fail(String operation, IOException cause) {
    failure = new StorageException("log failed during " + operation
        + " and refuses further calls; reopen the store to recover it: partition=" + tp, cause);
  }

  void ensureOpen() {
    Supplier<SamsaException> reason = closed;
    if (reason != null) {
      throw reason.get();
    }
    StorageException failed = failure;
    if (failed != null) {
      throw new StorageException(failed.getMessage(), failed.getCause());
    }
  }

  boolean isClosed() {
    return closed != null;
  }

  // ---------------------------------------------------------------------------------------------

  private SegmentHandle active() {
    SegmentHandle[] snapshot = segments;
    return snapshot[snapshot.length - 1];
  }

  private static SegmentHandle floor(SegmentHandle[] snapshot, long offset) {
    return snapshot[floorIndex(snapshot, offset)];
  }

  /** The index of the last segment whose base offset is at most {@code offset} (0 if none). */
  private static int floorIndex(SegmentHandle[] snapshot, long offset) {
    int lo = 0;
    int hi = snapshot.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (snapshot[mid].baseOffset <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return "PartitionLog{" + tp + ", logStartOffset=" + logStartOffset + ", logEndOffset="
        + logEndOffset + ", recoveryPoint=" + recoveryPoint + ", segments=" + segments.length + '}';
  }
}
