package io.samsa.core.internal.log;

import io.samsa.CorruptRecordException;
import io.samsa.RecoveryReport.Cut;
import io.samsa.RecoveryReport.PartitionRecovery;
import io.samsa.TopicPartition;
import io.samsa.spi.CorruptCheckpointException;
import io.samsa.spi.LeaderEpoch;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentRecovery;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens a partition's log: reads its checkpoint, loads its segments and, after an unclean
 * shutdown, recovers every segment from the one holding the recovery point to the end.
 *
 * <p>Recovery trusts nothing above the recovery point: each batch there is checked (whole, CRC,
 * offsets in sequence); the first one that fails ends the log, and every later segment is
 * deleted, because data after a hole cannot be trusted. Below the recovery point, data was
 * forced to disk before the point was written, so it is not scanned.
 */
final class LogLoader {
  private static final System.Logger LOG = System.getLogger(LogLoader.class.getName());

  private LogLoader() {}

  /** The state of a freshly opened log. */
  record Loaded(
      List<Segment> segments,
      long logStartOffset,
      long logEndOffset,
      long recoveryPoint,
      List<LeaderEpoch> leaderEpochs,
      boolean recovered,
      Optional<PartitionRecovery> cuts,
      boolean checkpointFound) {}

  static Loaded load(TopicPartition tp, PartitionStore store, boolean cleanShutdown) throws IOException {
    // 1. The checkpoint. An unreadable one means nothing is known: recover everything.
    Optional<PartitionCheckpoint> checkpoint;
    try {
      checkpoint = store.readCheckpoint();
    } catch (CorruptCheckpointException e) {
      LOG.log(Level.WARNING, "partition {0}: {1}; recovering the whole partition", tp, e.getMessage());
      checkpoint = Optional.empty();
      cleanShutdown = false;
    }
    boolean recover = !cleanShutdown;

    // 2. The segments, oldest first.
    List<Segment> segments = new ArrayList<>(store.loadSegments());
    List<Cut> cuts = new ArrayList<>();

    // 3. The log start offset: checkpointed, or the first segment's base. Segments wholly below
    //    it were being deleted when the process stopped: finish that.
    long logStart = checkpoint.map(PartitionCheckpoint::logStartOffset)
        .orElse(segments.isEmpty() ? 0L : segments.get(0).baseOffset());
    while (segments.size() > 1 && segments.get(1).baseOffset() <= logStart) {
      segments.remove(0).delete();
    }
    if (!segments.isEmpty() && segments.get(0).baseOffset() > logStart) {
      // Segments were deleted below the checkpointed start (by retention, before its checkpoint).
      logStart = segments.get(0).baseOffset();
    }

    // 4. Recover from the segment holding the recovery point, if the shutdown was unclean.
    long recoveryPoint = checkpoint.map(PartitionCheckpoint::recoveryPoint).orElse(logStart);
    if (recover && !segments.isEmpty()) {
      recoverSegments(tp, segments, Math.max(recoveryPoint, logStart), cuts);
    } else if (!segments.isEmpty()) {
      // A clean shutdown trims every index and leaves whole batches; still, a tail that is not a
      // batch boundary is recovered rather than trusted. So is a tail that does not end where the
      // clean shutdown's checkpoint says the log ended (its recovery point is the log end then):
      // finding the end reads the last batches' headers without their checksums, and a damaged
      // header would otherwise set the log end.
      Segment last = segments.get(segments.size() - 1);
      String problem = null;
      try {
        long next = last.nextOffset();
        long closedAt = checkpoint.map(PartitionCheckpoint::recoveryPoint).orElse(next);
        if (next != closedAt && closedAt >= last.baseOffset()) {
          problem = "log end " + next + " does not match the log end " + closedAt
              + " checkpointed at the clean shutdown";
        }
      } catch (CorruptRecordException e) {
        problem = e.getMessage();
      }
      if (problem != null) {
        LOG.log(Level.WARNING, "partition {0}: {1}; recovering its last segment", tp, problem);
        SegmentRecovery r = last.recover(last.baseOffset());
        if (r.truncatedBytes() > 0) {
          cuts.add(cut(last, r));
        }
        last.flush();
        recover = true;
      }
    }

    // 5. An empty partition, or one whose segments were all lost, starts at the log start.
    if (segments.isEmpty()) {
      segments.add(store.createSegment(logStart));
    }
    long logEnd = segments.get(segments.size() - 1).nextOffset();
    if (logEnd < logStart) {
      // Every record below the start is gone (files deleted by hand): start over at the start.
      LOG.log(Level.WARNING, "partition {0}: log end {1} is below the log start {2}; starting empty at {2}",
          tp, logEnd, logStart);
      for (Segment s : segments) {
        s.delete();
      }
      segments.clear();
      segments.add(store.createSegment(logStart));
      logEnd = logStart;
    }

    // 6. Everything below the recovery point is durable. After a clean shutdown that is all of
    //    it; after a crash, recovered bytes may still sit only in the page cache.
    recoveryPoint = recover ? Math.min(Math.max(recoveryPoint, logStart), logEnd) : logEnd;
    List<LeaderEpoch> epochs = checkpoint.map(PartitionCheckpoint::leaderEpochs).orElse(List.of());

    Optional<PartitionRecovery> report = cuts.isEmpty()
        ? Optional.empty()
        : Optional.of(new PartitionRecovery(tp, checkpoint.map(PartitionCheckpoint::recoveryPoint)
            .orElse(logStart), logEnd, cuts));
    report.ifPresent(r -> LOG.log(Level.WARNING,
        "partition {0}: recovery cut {1} bytes; log end offset now {2}: {3}", tp, r.truncatedBytes(),
        r.logEndOffset(), r.cuts()));
    return new Loaded(segments, logStart, logEnd, recoveryPoint, epochs, recover, report,
        checkpoint.isPresent());
  }

  private static void recoverSegments(
      TopicPartition tp, List<Segment> segments, long recoveryPoint, List<Cut> cuts)
      throws IOException {
    // Start at the segment holding the last durable offset (recoveryPoint - 1), not the one
    // holding the recovery point: when the point is a segment's end, that segment may have been
    // active when the point was written, its indexes not final. Every segment before this one was
    // sealed, and its seal forced, before a checkpoint passed it.
    int first = 0;
    while (first + 1 < segments.size() && segments.get(first + 1).baseOffset() < recoveryPoint) {
      first++;
    }
    LOG.log(Level.DEBUG, "partition {0}: unclean shutdown; recovering {1} segment(s) from offset {2}",
        tp, segments.size() - first, recoveryPoint);
    for (int i = first; i < segments.size(); i++) {
      Segment s = segments.get(i);
      SegmentRecovery r = s.recover(i == first ? recoveryPoint : s.baseOffset());
      if (r.truncatedBytes() > 0) {
        cuts.add(cut(s, r));
      }
      // What recovery changed (a cut, trimmed preallocation, rebuilt indexes) is forced before
      // anything relies on it: new batches may take the place of the bytes cut, and a later
      // recovery point may pass this segment without flushing it again.
      s.flush();
      boolean last = i == segments.size() - 1;
      if (!last && (r.truncatedBytes() > 0 || r.nextOffset() != segments.get(i + 1).baseOffset())) {
        String why = r.truncatedBytes() > 0
            ? "follows a segment whose tail was cut"
            : "follows a hole: previous segment ends at offset " + r.nextOffset()
                + ", this one starts at " + segments.get(i + 1).baseOffset();
        while (segments.size() > i + 1) {
          Segment later = segments.remove(i + 1);
          cuts.add(new Cut(later.name(), 0, later.sizeInBytes(), why));
          later.delete();
        }
        return;
      }
    }
  }

  private static Cut cut(Segment s, SegmentRecovery r) {
    return new Cut(s.name(), r.validBytes(), r.truncatedBytes(), r.problem().orElse("unknown"));
  }
}
