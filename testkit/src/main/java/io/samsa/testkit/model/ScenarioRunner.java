package io.samsa.testkit.model;

import io.samsa.AppendResult;
import io.samsa.Log;
import io.samsa.LogReader;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.OffsetOutOfRangeException;
import io.samsa.ReadResult;
import io.samsa.ProducerRecord;
import io.samsa.RecordTooLargeException;
import io.samsa.RecoveryReport;
import io.samsa.SegmentInfo;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.spi.FileIO;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.spi.format.RecordBatchEncoder;
import io.samsa.testkit.CrashSimulator;
import io.samsa.testkit.ManualClock;
import io.samsa.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Runs a {@link Scenario} against a real store and an in-memory model side by side, and checks
 * after every step that the store answers as the model says (the invariants of DESIGN.md):
 *
 * <ol>
 *   <li>offsets are dense from the log start to the log end;
 *   <li>a read returns exactly what was appended at that offset;
 *   <li>rolling, index lookups and reopening never change what is read;
 *   <li>after a crash the log is a prefix of what was appended, holding at least everything
 *       below the recovery point it reported, and torn or corrupt tails are never served;
 *   <li>truncation sets the end offset and the next append continues from there;
 *   <li>retention deletes exactly what Kafka's rule says, whole sealed segments only, never the
 *       active one, and the start offset never decreases;
 *   <li>the timestamp lookup returns the first offset whose timestamp is at or after the target.
 * </ol>
 *
 * <p>A failed check throws {@link AssertionError} naming the step. Plain Java: any property
 * engine (or none) can drive it.
 */
public final class ScenarioRunner implements AutoCloseable {
  /**
   * The bound on open file descriptors of every store the kit opens: small, so that a backend's
   * files are closed and reopened under it all the time, as they are with many partitions.
   */
  public static final int MAX_OPEN_FILES = 8;

  /** The topic every scenario runs on. */
  public static final String TOPIC = "kit";
  private static final long START_MILLIS = 1_700_000_000_000L;
  private static final int CHECK_READ_BYTES = 2048;

  private final StorageProvider provider;
  private final CrashSimulator crash;
  private final Path dir;
  private final ManualClock clock = new ManualClock(START_MILLIS);
  private final TopicPartition tp = new TopicPartition(TOPIC, 0);
  private final LogModel model = new LogModel();
  private final java.util.function.Consumer<String> transcript;
  private ManualScheduler scheduler;
  private TopicConfig config;
  private LogStore store;
  private Log log;
  private int step;

  /**
   * @param crash how to cut the power, or null if the scenario holds no {@link Action.Crash}
   * @param dir an empty directory for the store
   */
  public ScenarioRunner(StorageProvider provider, CrashSimulator crash, Path dir) {
    this(provider, crash, dir, line -> { });
  }

  /**
   * @param transcript told, in order, every answer the store gives and its state after every
   *     step: two backends that run the same scenario must tell the same (invariant 8)
   */
  public ScenarioRunner(StorageProvider provider, CrashSimulator crash, Path dir,
      java.util.function.Consumer<String> transcript) {
    this.provider = provider;
    this.crash = crash;
    this.dir = dir;
    this.transcript = transcript;
  }

  private void observe(String answer) {
    transcript.accept(step + " " + answer);
  }

  /** The log's offsets and segments, as every backend must report them alike. */
  private String state() {
    StringBuilder s = new StringBuilder("state start=").append(log.logStartOffset())
        .append(" end=").append(log.logEndOffset()).append(" recoveryPoint=").append(log.recoveryPoint())
        .append(" segments=");
    for (SegmentInfo i : log.segments()) {
      s.append('[').append(i.baseOffset()).append(',').append(i.nextOffset()).append(',')
          .append(i.sizeInBytes()).append(',').append(i.maxTimestamp()).append(']');
    }
    return s.toString();
  }

  /** Runs every step, checking after each; then reopens the store and checks everything again. */
  public void run(Scenario scenario) {
    config = scenario.settings().topicConfig();
    open();
    store.createTopic(TOPIC, 1, config);
    log = store.log(tp);
    List<Action> actions = scenario.actions();
    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      step = i + 1;
      try {
        apply(action);
        checkState();
        observe(state());
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("step " + (i + 1) + " (" + action + ") failed: " + e, e);
      }
    }
    try {
      reopen();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("the final reopen failed: " + e, e);
    }
  }

  private void apply(Action action) {
    if (action instanceof Action.Append a) {
      append(a);
    } else if (action instanceof Action.Read r) {
      read(r);
    } else if (action instanceof Action.ReadOutOfRange r) {
      readOutOfRange(r);
    } else if (action instanceof Action.TransferTo t) {
      transferTo(t);
    } else if (action instanceof Action.Reader r) {
      reader(r);
    } else if (action instanceof Action.TimestampLookup t) {
      timestampLookup(t);
    } else if (action instanceof Action.Roll) {
      roll();
    } else if (action instanceof Action.Flush) {
      log.flush();
      Check.equal(model.end(), log.recoveryPoint(), "recovery point after flush");
      model.flushed();
    } else if (action instanceof Action.Truncate t) {
      long offset = pick(t.pick());
      log.truncateTo(offset);
      model.truncate(offset);
      checkRecords();
    } else if (action instanceof Action.DeleteRecords d) {
      long offset = pick(d.pick());
      long start = log.deleteRecordsBefore(offset);
      Check.equal(Math.max(model.logStart, offset), start, "log start offset returned");
      model.logStart = start;
      checkRecords();
    } else if (action instanceof Action.Retention r) {
      retention(r);
    } else if (action instanceof Action.Background b) {
      background(b);
    } else if (action instanceof Action.Reopen) {
      reopen();
    } else if (action instanceof Action.Crash c) {
      crash(c);
    } else {
      throw new IllegalArgumentException("unknown action " + action);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void append(Action.Append a) {
    long now = clock.millis();
    List<ProducerRecord> records = new ArrayList<>();
    for (RecordSpec spec : a.records()) {
      records.add(spec.toRecord(now));
    }
    long size = RecordBatchEncoder.batchSize(records, now);
    int limit = Math.min(config.maxBatchBytes(), config.segmentBytes());
    if (size > limit) {
      List<SegmentInfo> before = log.segments();
      RecordTooLargeException e = Check.fails(RecordTooLargeException.class, () -> log.append(records),
          "append of a " + size + "-byte batch over the " + limit + "-byte limit");
      Check.equal(size, e.batchBytes(), "batchBytes in the exception");
      Check.equal(limit, e.maxBatchBytes(), "maxBatchBytes in the exception");
      Check.equal(before, log.segments(), "segments after a refused append");
      observe("append refused " + size);
      return;
    }
    AppendResult r = log.append(records);
    observe("append " + r.baseOffset() + ".." + r.lastOffset() + " at " + r.appendTimeMs());
    model.batches.add(new Batch(r.baseOffset(), r.lastOffset(), size));
    Check.equal(model.end(), r.baseOffset(), "base offset of the append");
    Check.equal(model.end() + records.size() - 1, r.lastOffset(), "last offset of the append");
    Check.equal(now, r.appendTimeMs(), "append time");
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord rec = records.get(i);
      long ts = rec.timestamp() == ProducerRecord.NO_TIMESTAMP ? now : rec.timestamp();
      model.records.add(new LogRecord(r.baseOffset() + i, ts, rec.key(), rec.value(), rec.headers()));
    }
    long every = config.flushPolicy().messages();
    if (every != Long.MAX_VALUE) {
      model.unflushed += records.size();
      if (model.unflushed >= every) {
        Check.equal(model.end(), log.recoveryPoint(), "recovery point after a flush by count");
        model.flushed();
      }
    }
  }

  private void read(Action.Read r) {
    long offset = pick(r.pick());
    ReadResult result = log.read(offset, r.maxBytes());
    observe("read " + offset + " " + r.maxBytes() + " -> " + result.size() + " records #"
        + result.records().hashCode() + " next=" + result.nextOffset() + " bytes=" + result.sizeInBytes());
    Check.equal(model.end(), result.logEndOffset(), "log end offset in the read result");
    if (offset == model.end()) {
      Check.that(result.isEmpty(), "a read at the log end returned " + result.records());
      Check.equal(offset, result.nextOffset(), "next offset of an empty read");
      return;
    }
    Check.that(!result.isEmpty(), "a read at " + offset + " below the log end " + model.end()
        + " returned nothing");
    compare(offset, result.records());
    Check.equal(offset + result.size(), result.nextOffset(), "next offset");
    Check.equal(model.readSize(offset, r.maxBytes(), segmentEnd(offset)), (long) result.sizeInBytes(),
        "bytes read from " + offset + " with maxBytes " + r.maxBytes());
  }

  /** Where the segment holding {@code offset} ends, by the log's own segment list. */
  private long segmentEnd(long offset) {
    List<SegmentInfo> segments = log.segments();
    for (SegmentInfo s : segments) {
      if (s.baseOffset() <= offset && offset < s.nextOffset()) {
        return s.nextOffset();
      }
    }
    throw new AssertionError("no segment holds offset " + offset + ": " + segments);
  }

  private void readOutOfRange(Action.ReadOutOfRange r) {
    long offset = r.below() ? model.logStart - 1 - r.distance() : model.end() + 1 + r.distance();
    OffsetOutOfRangeException e = Check.fails(OffsetOutOfRangeException.class,
        () -> log.read(offset, 1024), "read at " + offset);
    observe("out of range " + offset + " [" + e.logStartOffset() + ", " + e.logEndOffset() + "]");
    Check.equal(tp, e.partition(), "partition in the exception");
    Check.equal(offset, e.requested(), "requested offset in the exception");
    Check.equal(model.logStart, e.logStartOffset(), "log start in the exception");
    Check.equal(model.end(), e.logEndOffset(), "log end in the exception");
  }

  private void transferTo(Action.TransferTo t) {
    long offset = pick(t.pick());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written;
    try {
      written = log.transferTo(offset, t.maxBytes(), Channels.newChannel(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Check.equal((long) out.size(), written, "bytes transferred");
    observe("transfer " + offset + " " + t.maxBytes() + " -> " + written + " bytes #"
        + java.util.Arrays.hashCode(out.toByteArray()));
    if (offset == model.end()) {
      Check.equal(0L, written, "bytes transferred at the log end");
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
    List<LogRecord> records = new ArrayList<>();
    long firstBase = -1;
    for (int at = 0; at < bytes.limit(); ) {
      int size = BatchValidator.ensureValid(bytes, at, bytes.limit() - at, "transferTo", at);
      if (firstBase < 0) {
        firstBase = RecordBatchDescriptor.baseOffset(bytes, at);
        Check.that(firstBase <= offset && offset <= RecordBatchDescriptor.lastOffset(bytes, at),
            "the first batch sent does not hold offset " + offset);
      }
      RecordBatchDecoder.decode(bytes, at, Long.MIN_VALUE, records, "transferTo", at);
      at += size;
    }
    Check.that(!records.isEmpty(), "transferTo at " + offset + " sent no batch");
    compare(firstBase, records);
    Check.equal(model.readSize(offset, t.maxBytes(), segmentEnd(offset)), written,
        "bytes transferred from " + offset + " with maxBytes " + t.maxBytes());
  }

  private void reader(Action.Reader r) {
    long offset = pick(r.pick());
    List<LogRecord> got = new ArrayList<>();
    try (LogReader reader = log.reader(offset)) {
      while (reader.position() < model.end()) {
        ReadResult result = reader.poll(Duration.ZERO);
        Check.that(!result.isEmpty(), "reader at " + reader.position() + " made no progress");
        got.addAll(result.records());
      }
      Check.that(reader.poll(Duration.ZERO).isEmpty(), "reader returned records past the log end");
    }
    observe("reader " + offset + " -> " + got.size() + " records #" + got.hashCode());
    Check.equal(model.end() - offset, (long) got.size(), "records polled");
    if (!got.isEmpty()) {
      compare(offset, got);
    }
  }

  private void timestampLookup(Action.TimestampLookup t) {
    long target;
    if (model.logStart < model.end()) {
      target = model.records.get((int) pick(t.pick(), model.logStart, model.end() - 1)).timestamp() + t.shift();
    } else {
      target = clock.millis() + t.shift();
    }
    OptionalLong expected = OptionalLong.empty();
    for (long o = model.logStart; o < model.end(); o++) {
      if (model.records.get((int) o).timestamp() >= target) {
        expected = OptionalLong.of(o);
        break;
      }
    }
    OptionalLong found = log.offsetForTimestamp(target);
    observe("offsetForTimestamp " + target + " -> " + found);
    Check.equal(expected, found, "offsetForTimestamp(" + target + ")");
  }

  private void roll() {
    List<SegmentInfo> before = log.segments();
    boolean activeEmpty = before.get(before.size() - 1).sizeInBytes() == 0;
    log.roll();
    Check.equal(before.size() + (activeEmpty ? 0 : 1), log.segments().size(), "segments after roll");
    checkRecords();
  }

  private void retention(Action.Retention r) {
    clock.advance(Duration.ofMillis(r.advanceMillis()));
    List<SegmentInfo> before = modelSegments(log.segments());
    int expected = RetentionRule.deletable(before, config, clock.millis(), model.logStart);
    int deleted = log.applyRetention();
    observe("retention deleted " + deleted);
    Check.equal(expected, deleted, "segments deleted by retention (before: " + before + ")");
    List<SegmentInfo> after = log.segments();
    Check.equal(bases(before.subList(expected, before.size())), bases(after),
        "segments left by retention");
    if (expected > 0) {
      model.logStart = Math.max(model.logStart, before.get(expected).baseOffset());
    }
    checkRecords();
  }

  private void background(Action.Background b) {
    clock.advance(Duration.ofMillis(b.advanceMillis()));
    scheduler.runDue();
    long start = log.logStartOffset();
    Check.that(start >= model.logStart, "log start offset went back from " + model.logStart + " to " + start);
    model.logStart = start;
    checkRecords();
  }

  private void reopen() {
    store.close();
    open();
    log = store.log(tp);
    RecoveryReport report = store.recoveryReport();
    Check.that(report.cleanShutdown() && report.isEmpty(), "recovery after a clean close: " + report);
    Check.equal(model.end(), log.recoveryPoint(), "recovery point after a clean close");
    model.flushed();
    checkRecords();
  }

  private void crash(Action.Crash c) {
    if (crash == null) {
      throw new IllegalStateException("this scenario crashes but the runner has no CrashSimulator");
    }
    long recoveryPoint = log.recoveryPoint();
    long endBefore = model.end();
    long startBefore = model.logStart;
    crash.crash(c.kind(), new Random(c.seed()));
    try {
      store.close(); // its I/O is dead: this only lets go of the directory
    } catch (RuntimeException expected) {
      // a dead store cannot flush
    }
    open();
    log = store.log(tp);
    long end = log.logEndOffset();
    Check.that(end >= recoveryPoint && end <= endBefore, "log end offset after a crash is " + end
        + ", outside [recovery point " + recoveryPoint + ", log end before " + endBefore + "]");
    Check.equal(startBefore, log.logStartOffset(), "log start offset after a crash");
    Check.that(!store.recoveryReport().cleanShutdown(), "a crash was taken for a clean shutdown");
    model.truncate(end);
    model.unflushed = 0;
    model.durable = model.logStart;
    checkRecords();
  }

  // ---------------------------------------------------------------------------------------------

  /** Cheap checks after every step: offsets, recovery point, segment layout. */
  private void checkState() {
    Check.equal(model.logStart, log.logStartOffset(), "log start offset");
    Check.equal(model.end(), log.logEndOffset(), "log end offset");
    long rp = log.recoveryPoint();
    Check.that(rp >= model.durable && rp <= model.end(), "recovery point " + rp + " outside ["
        + model.durable + ", " + model.end() + "]");
    model.durable = rp;
    List<SegmentInfo> segments = log.segments();
    Check.that(!segments.isEmpty(), "a log without segments");
    Check.that(segments.get(0).baseOffset() <= model.logStart, "first segment " + segments.get(0)
        + " starts after the log start " + model.logStart);
    for (int i = 0; i < segments.size(); i++) {
      SegmentInfo s = segments.get(i);
      boolean last = i == segments.size() - 1;
      Check.equal(last, s.active(), "active flag of segment " + i);
      long next = last ? model.end() : segments.get(i + 1).baseOffset();
      Check.equal(next, s.nextOffset(), "next offset of segment " + i + " (segments " + segments + ")");
      Check.that(last || s.nextOffset() > s.baseOffset(), "empty sealed segment " + s);
      Check.equal(model.segment(s.baseOffset(), next, last), s, "segment " + i
          + " as the model computes it (size from the batches, largest timestamp from the records)");
    }
  }

  /** The log's segment boundaries with the sizes and timestamps the model computes for them. */
  private List<SegmentInfo> modelSegments(List<SegmentInfo> segments) {
    List<SegmentInfo> out = new ArrayList<>();
    for (SegmentInfo s : segments) {
      out.add(model.segment(s.baseOffset(), s.nextOffset(), s.active()));
    }
    return out;
  }

  /** Reads the whole log and compares every record with the model. */
  private void checkRecords() {
    long offset = model.logStart;
    while (offset < model.end()) {
      ReadResult result = log.read(offset, CHECK_READ_BYTES);
      Check.that(!result.isEmpty(), "read at " + offset + " below the log end " + model.end()
          + " returned nothing");
      compare(offset, result.records());
      offset = result.nextOffset();
    }
  }

  /** Checks that {@code records} are the model's, densely from {@code from}. */
  private void compare(long from, List<LogRecord> records) {
    for (int i = 0; i < records.size(); i++) {
      long offset = from + i;
      LogRecord got = records.get(i);
      Check.that(offset < model.end(), "record past the log end: " + got);
      Check.equal(model.records.get((int) offset), got, "record at offset " + offset);
    }
  }

  private long pick(int pick) {
    return pick(pick, model.logStart, model.end());
  }

  private static long pick(int pick, long lo, long hi) {
    return lo + Math.floorMod(pick, hi - lo + 1);
  }

  private static List<Long> bases(List<SegmentInfo> segments) {
    return segments.stream().map(SegmentInfo::baseOffset).toList();
  }

  private void open() {
    scheduler = new ManualScheduler(clock);
    FileIO io = crash == null ? FileIO.standard() : crash.fileIO();
    store = Samsa.builder(dir).provider(provider).clock(clock).scheduler(scheduler).fileIO(io)
        .retentionCheckInterval(Duration.ofSeconds(10)).checkpointInterval(Duration.ofSeconds(5))
        .recoveryThreads(1).maxOpenFiles(MAX_OPEN_FILES).open();
  }

  @Override
  public void close() {
    if (store != null) {
      try {
        store.close();
      } catch (RuntimeException e) {
        // the store may be dead after a failed step; the failure is reported already
      }
      store = null;
    }
  }

  /** A batch the store should hold: its offsets and its encoded size. */
  private record Batch(long base, long last, long size) {}

  /** What the store should hold. */
  private static final class LogModel {
    final List<LogRecord> records = new ArrayList<>(); // index is the offset
    final List<Batch> batches = new ArrayList<>();
    long logStart;
    long durable;
    long unflushed;

    long end() {
      return records.size();
    }

    /** Removes every record at or after {@code offset}; a batch cut inside is re-encoded. */
    void truncate(long offset) {
      while (!batches.isEmpty() && batches.get(batches.size() - 1).base() >= offset) {
        batches.remove(batches.size() - 1);
      }
      if (!batches.isEmpty() && batches.get(batches.size() - 1).last() >= offset) {
        Batch cut = batches.remove(batches.size() - 1);
        List<ProducerRecord> kept = new ArrayList<>();
        for (long o = cut.base(); o < offset; o++) {
          kept.add(records.get((int) o).toProducerRecord());
        }
        batches.add(new Batch(cut.base(), offset - 1, RecordBatchEncoder.batchSize(kept, 0)));
      }
      records.subList((int) offset, records.size()).clear();
      durable = Math.min(durable, offset);
    }

    /** The batch holding {@code offset}. */
    Batch batchOf(long offset) {
      for (Batch b : batches) {
        if (b.base() <= offset && offset <= b.last()) {
          return b;
        }
      }
      throw new AssertionError("the model holds no batch for offset " + offset);
    }

    /** What a segment spanning {@code [base, next)} should report. */
    SegmentInfo segment(long base, long next, boolean active) {
      long size = 0;
      for (Batch b : batches) {
        if (b.base() >= base && b.base() < next) {
          size += b.size();
        }
      }
      long max = -1;
      for (long o = base; o < next; o++) {
        max = Math.max(max, records.get((int) o).timestamp());
      }
      return new SegmentInfo(base, next, size, max, active);
    }

    /**
     * The bytes a read from {@code offset} should return: the batch holding it, then the next
     * batches of the same segment while they fit in {@code maxBytes}.
     */
    long readSize(long offset, int maxBytes, long segmentEnd) {
      Batch first = batchOf(offset);
      long size = first.size();
      for (Batch b : batches) {
        if (b.base() > first.base() && b.base() < segmentEnd) {
          if (size + b.size() > maxBytes) {
            break;
          }
          size += b.size();
        }
      }
      return size;
    }

    void flushed() {
      durable = end();
      unflushed = 0;
    }
  }
}
