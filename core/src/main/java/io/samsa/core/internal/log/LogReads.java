package io.samsa.core.internal.log;

import io.samsa.CorruptRecordException;
import io.samsa.LogRecord;
import io.samsa.ReadResult;
import io.samsa.TopicPartition;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The read paths of a {@link PartitionLog}: decoded reads, zero-copy transfers and timestamp
 * lookups. Every read holds only the segment it reads ({@link PartitionLog#hold}), never a lock
 * of the partition, so a slow reader delays nothing but a truncation of that segment.
 *
 * <p>No byte is served before its batch has passed its checksum: decoded reads check every
 * batch; transfers check a range once and then send it without copying.
 */
final class LogReads {
  private static final System.Logger LOG = System.getLogger(LogReads.class.getName());
  private static final int TIMESTAMP_SCAN_BYTES = 256 * 1024;

  private final PartitionLog log;
  private final TopicPartition tp;

  LogReads(PartitionLog log) {
    this.log = log;
    this.tp = log.topicPartition();
  }

  ReadResult read(long offset, int maxBytes) {
    PartitionLog.Hold hold = log.hold(offset);
    if (hold.handle() == null) {
      return new ReadResult(List.of(), offset, hold.logEnd(), 0);
    }
    SegmentHandle h = hold.handle();
    try {
      BatchSlice slice = h.segment.read(offset, hold.logEnd(), maxBytes);
      requireData(h, slice, offset);
      // A pooled direct buffer: no zeroing of a fresh array per read, and no copy through NIO's
      // temporary direct buffer. The records are copied out of it by the decoder.
      ByteBuffer bytes = log.buffers().acquire(slice.sizeInBytes());
      try {
        slice.readFully(bytes);
        bytes.flip();
        List<LogRecord> records = new ArrayList<>();
        int valid = checkBatches(h, slice.position(), bytes, offset, records);
        long next = records.isEmpty() ? offset : records.get(records.size() - 1).offset() + 1;
        return new ReadResult(records, next, hold.logEnd(), valid);
      } finally {
        log.buffers().release(bytes);
      }
    } catch (IOException e) {
      throw Failures.io("read", tp, h.name(), e);
    } finally {
      log.let(hold);
    }
  }

  long transferTo(long offset, int maxBytes, WritableByteChannel target) throws IOException {
    PartitionLog.Hold hold = log.hold(offset);
    if (hold.handle() == null) {
      return 0;
    }
    SegmentHandle h = hold.handle();
    try {
      BatchSlice slice;
      try {
        slice = h.segment.read(offset, hold.logEnd(), maxBytes);
      } catch (IOException e) {
        throw Failures.io("read", tp, h.name(), e);
      }
      requireData(h, slice, offset);
      long from = slice.position();
      if (from >= 0 && from + slice.sizeInBytes() <= h.verifiedBytes()) {
        return slice.writeTo(target); // checked before: zero copy
      }
      // Not yet checked in this process: check it once, then send the checked bytes.
      ByteBuffer bytes = log.buffers().acquire(slice.sizeInBytes());
      try {
        try {
          slice.readFully(bytes);
        } catch (IOException e) {
          throw Failures.io("read", tp, h.name(), e);
        }
        bytes.flip();
        bytes.limit(checkBatches(h, from, bytes, offset, null));
        long written = 0;
        while (bytes.hasRemaining()) {
          written += target.write(bytes);
        }
        return written;
      } finally {
        log.buffers().release(bytes);
      }
    } finally {
      log.let(hold);
    }
  }

  /** The first offset at or after the log start whose timestamp is at least {@code target}. */
  OptionalLong offsetForTimestamp(long target) {
    restart:
    while (true) {
      PartitionLog.Snapshot snap = log.snapshot();
      SegmentHandle[] segments = snap.segments();
      for (int i = 0; i < segments.length; i++) {
        SegmentHandle h = segments[i];
        long segmentEnd = i + 1 < segments.length ? segments[i + 1].baseOffset : snap.logEnd();
        if (segmentEnd <= snap.logStart()) {
          continue;
        }
        if (!log.holdSegment(h, snap.truncations())) {
          continue restart; // cut or removed meanwhile: look again
        }
        try {
          if (h.segment.maxTimestamp() < target) {
            continue;
          }
          long from = Math.max(snap.logStart(), Math.max(h.baseOffset, h.segment.timestampLookup(target)));
          long found = scanForTimestamp(h, from, Math.min(segmentEnd, snap.logEnd()), snap.logStart(), target);
          if (found >= 0) {
            return OptionalLong.of(found);
          }
        } catch (IOException e) {
          throw Failures.io("offsetForTimestamp", tp, h.name(), e);
        } finally {
          log.letSegment(h);
        }
      }
      return OptionalLong.empty();
    }
  }

  private long scanForTimestamp(SegmentHandle h, long from, long end, long minOffset, long target)
      throws IOException {
    long offset = from;
    while (offset < end) {
      BatchSlice slice = h.segment.read(offset, end, TIMESTAMP_SCAN_BYTES);
      requireData(h, slice, offset);
      ByteBuffer bytes = log.buffers().acquire(slice.sizeInBytes());
      try {
        slice.readFully(bytes);
        bytes.flip();
        int valid = checkBatches(h, slice.position(), bytes, offset, null);
        for (int at = 0; at < valid; at += RecordBatchDescriptor.batchSize(bytes, at)) {
          if (RecordBatchDescriptor.maxTimestamp(bytes, at) >= target
              && RecordBatchDescriptor.lastOffset(bytes, at) >= minOffset) {
            long found = RecordBatchDecoder.firstOffsetAtOrAfter(bytes, at, target, minOffset,
                h.name(), slice.position() + at);
            if (found >= 0) {
              return found;
            }
          }
          offset = RecordBatchDescriptor.lastOffset(bytes, at) + 1;
        }
      } finally {
        log.buffers().release(bytes);
      }
      // A bad batch after good ones: the next round starts at it, and checkBatches refuses it.
    }
    return -1;
  }

  /**
   * Checks the batches of a slice (each whole, its CRC, its offsets continuing the last) and, if
   * {@code out} is given, decodes their records from {@code offset} on. Stops before the first bad
   * batch, and throws only if that is the first one: a bad batch is never served.
   *
   * @return the bytes of good batches
   */
  private int checkBatches(SegmentHandle h, long position, ByteBuffer bytes, long offset,
      List<LogRecord> out) {
    int at = 0;
    long expected = -1;
    while (at < bytes.limit()) {
      try {
        int size = BatchValidator.ensureValid(bytes, at, bytes.limit() - at, h.name(), position + at);
        long base = RecordBatchDescriptor.baseOffset(bytes, at);
        long last = RecordBatchDescriptor.lastOffset(bytes, at);
        if (expected < 0 ? !(base <= offset && offset <= last) : base != expected) {
          throw new CorruptRecordException(h.name(), position + at, "unexpected offsets: baseOffset="
              + base + ", lastOffset=" + last + (expected < 0 ? ", wanted offset=" + offset
              : ", expected baseOffset=" + expected));
        }
        if (out != null) {
          RecordBatchDecoder.decode(bytes, at, offset, out, h.name(), position + at);
        }
        expected = last + 1;
        at += size;
      } catch (CorruptRecordException e) {
        if (at == 0) {
          throw e;
        }
        LOG.log(System.Logger.Level.WARNING, "partition {0}: serving {1} good bytes before a bad batch: {2}",
            tp, at, e.getMessage());
        break;
      }
    }
    if (position >= 0) {
      h.verified(position, position + at);
    }
    return at;
  }

  /** Offsets are dense: below the log end some batch must hold the offset. */
  private static void requireData(SegmentHandle h, BatchSlice slice, long offset) {
    if (slice.sizeInBytes() == 0) {
      throw new CorruptRecordException(h.name(), slice.position(), "no batch holds offset " + offset
          + " below the log end: the segment ends early");
    }
  }
}
