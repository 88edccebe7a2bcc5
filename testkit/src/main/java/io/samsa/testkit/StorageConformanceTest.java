package io.samsa.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.AppendResult;
import io.samsa.InvalidPartitionsException;
import io.samsa.InvalidTopicException;
import io.samsa.Log;
import io.samsa.LogReader;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.OffsetOutOfRangeException;
import io.samsa.Partitioner;
import io.samsa.ReadResult;
import io.samsa.ProducerRecord;
import io.samsa.RecordTooLargeException;
import io.samsa.RecoveryReport;
import io.samsa.SegmentInfo;
import io.samsa.StoreClosedException;
import io.samsa.StoreLockedException;
import io.samsa.Topic;
import io.samsa.TopicConfig;
import io.samsa.TopicExistsException;
import io.samsa.TopicPartition;
import io.samsa.UnknownTopicOrPartitionException;
import io.samsa.core.Samsa;
import io.samsa.core.Scheduler;
import io.samsa.spi.FileIO;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.testkit.model.Scenario;
import io.samsa.testkit.model.ScenarioRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance kit: every contract a storage backend must honour, checked through the public
 * API of a store opened on it. A backend author writes one small subclass:
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends StorageConformanceTest {
 *   protected StorageProvider createProvider() {
 *     return new MyStorageProvider();
 *   }
 * }
 * }</pre>
 *
 * <p>and gets, per operation, example-based contracts ({@code append_*}, {@code read_*}, ...)
 * and a model-based property, {@link #randomOperations_matchTheModel}: random sequences of
 * appends, reads, rolls, truncations, retention, flushes, reopens and crashes are run against the
 * backend and an in-memory model, and every invariant of the design is checked after every step.
 * A failure shrinks to a short sequence, printed with the seed that found it.
 *
 * <h2>Crashes</h2>
 * By default the kit cuts the power with a {@link SimulatedDisk}, which needs the backend to do
 * all its file I/O through the {@link io.samsa.spi.StorageContext#fileIO()} it is given. A
 * backend that cannot be crashed that way supplies its own {@link #crashSimulator}, or declares
 * {@link Capability#CRASH_SIMULATION} missing, with the reason, in {@link
 * #missingCapabilities()}; the crash contracts are then skipped and report the reason.
 *
 * <h2>Settings</h2>
 * {@code -Dsamsa.testkit.tries=N} sets the tries of the property (default 200; the build runs
 * 1,000), {@code -Dsamsa.testkit.seed=S} replays a failure.
 */
public abstract class StorageConformanceTest {
  /** What a backend may be unable to do; see {@link #missingCapabilities()}. */
  public enum Capability {
    /** Being crashed by the kit's {@link CrashSimulator} between operations. */
    CRASH_SIMULATION,
    /**
     * Torn or corrupt bytes left by a crash reach the core's recovery, which cuts and reports
     * them (file-based backends). A backend whose storage engine discards them itself (RocksDB's
     * write-ahead log) lacks this: the log stays correct, but the core has nothing to report.
     */
    TORN_WRITES_REACH_RECOVERY
  }

  @TempDir protected Path tmp;

  private final AtomicInteger dirs = new AtomicInteger();

  /** The backend under test: a new instance each call. */
  protected abstract StorageProvider createProvider();

  /** How to cut the power under stores of {@code provider}; a {@link SimulatedDisk} by default. */
  protected CrashSimulator crashSimulator(StorageProvider provider) {
    return new SimulatedDisk();
  }

  /** The capabilities this backend lacks, each with the reason; none by default. */
  protected Map<Capability, String> missingCapabilities() {
    return new EnumMap<>(Capability.class);
  }

  /** Tries of the model-based property. */
  protected int tries() {
    return Integer.getInteger("samsa.testkit.tries", 200);
  }

  // ---------------------------------------------------------------------------------------------
  // The model-based property

  /**
   * Random sequences of operations, crashes included, leave the store answering every read as the
   * model does. Invariants 1-7 of the design are checked after every step.
   */
  @Test
  public void randomOperations_matchTheModel(TestReporter reporter) {
    boolean crashes = !missingCapabilities().containsKey(Capability.CRASH_SIMULATION);
    int tries = ScenarioProperty.check(ScenarioGenerators.scenarios(crashes, 40), tries(),
        scenario -> runScenario(scenario, crashes));
    reporter.publishEntry("tries", Integer.toString(tries));
    reporter.publishEntry("crashes", crashes ? "simulated" : missingCapabilities().get(Capability.CRASH_SIMULATION));
  }

  /** Runs one scenario in a fresh directory with a fresh provider. */
  protected final void runScenario(Scenario scenario, boolean crashes) {
    Path dir = tmp.resolve("scenario-" + dirs.incrementAndGet());
    StorageProvider provider = createProvider();
    try (ScenarioRunner runner = new ScenarioRunner(provider, crashes ? crashSimulator(provider) : null, dir)) {
      runner.run(scenario);
    } finally {
      ScratchDirectories.delete(dir);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** A store on the backend, in a fresh directory, with its own scheduler driven by hand. */
  protected final class Fixture implements AutoCloseable {
    public final Path dir = tmp.resolve("store-" + dirs.incrementAndGet());
    public final StorageProvider provider = createProvider();
    public final ManualClock clock = new ManualClock(1_700_000_000_000L);
    public final CrashSimulator crash;
    public ManualScheduler scheduler;
    public LogStore store;

    public Fixture() {
      this.crash = missingCapabilities().containsKey(Capability.CRASH_SIMULATION)
          ? null : crashSimulator(provider);
      open();
    }

    public LogStore open() {
      scheduler = new ManualScheduler(clock);
      // Small default topics: a backend that preallocates segments need not fill gigabytes here.
      store = Samsa.builder(dir).provider(provider).clock(clock).scheduler(scheduler)
          .defaultTopicConfig(TopicConfig.builder().segmentBytes(64 * 1024).segmentIndexBytes(4096).build())
          .fileIO(crash == null ? FileIO.standard() : crash.fileIO())
          .maxOpenFiles(ScenarioRunner.MAX_OPEN_FILES).open();
      return store;
    }

    public LogStore reopen() {
      store.close();
      return open();
    }

    public Log log(String topic, TopicConfig config) {
      store.createTopic(topic, 1, config);
      return store.log(new TopicPartition(topic, 0));
    }

    @Override
    public void close() {
      try {
        store.close();
      } catch (RuntimeException ignored) {
        // closed or dead already
      }
    }
  }

  private static TopicConfig smallSegments() {
    return TopicConfig.builder().segmentBytes(1024).indexIntervalBytes(128).segmentIndexBytes(1024)
        .retentionTime(TopicConfig.FOREVER).build();
  }

  private static ProducerRecord record(int i) {
    return ProducerRecord.builder().key("k" + i).value("value-" + i).header("h", new byte[] {(byte) i}).build();
  }

  private static List<ProducerRecord> records(int from, int count) {
    List<ProducerRecord> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(record(i));
    }
    return list;
  }

  private static List<LogRecord> readAll(Log log) {
    List<LogRecord> all = new ArrayList<>();
    long offset = log.logStartOffset();
    while (offset < log.logEndOffset()) {
      ReadResult r = log.read(offset, 4096);
      all.addAll(r.records());
      offset = r.nextOffset();
    }
    return all;
  }

  private static void assertRecord(int i, long offset, LogRecord r) {
    assertEquals(offset, r.offset(), "offset");
    assertArrayEquals(("k" + i).getBytes(StandardCharsets.UTF_8), r.key(), "key of record " + i);
    assertArrayEquals(("value-" + i).getBytes(StandardCharsets.UTF_8), r.value(), "value of record " + i);
    assertEquals(1, r.headers().size(), "headers of record " + i);
  }

  private void requireCrashes() {
    String missing = missingCapabilities().get(Capability.CRASH_SIMULATION);
    Assumptions.assumeTrue(missing == null, () -> "crash simulation is not supported: " + missing);
  }

  // ---------------------------------------------------------------------------------------------
  // append

  @Test
  public void append_thenRead_returnsEveryRecordIntact() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      for (int i = 0; i < 100; i += 5) {
        AppendResult r = log.append(records(i, 5));
        assertEquals(i, r.baseOffset());
        assertEquals(i + 4, r.lastOffset());
        assertEquals(f.clock.millis(), r.appendTimeMs());
      }
      List<LogRecord> all = readAll(log);
      assertEquals(100, all.size());
      for (int i = 0; i < 100; i++) {
        assertRecord(i, i, all.get(i));
        assertEquals(f.clock.millis(), all.get(i).timestamp(), "records without a timestamp get the append time");
      }
      assertTrue(log.segments().size() > 1, "1 KiB segments must have rolled");
    }
  }

  @Test
  public void append_emptyBatch_isRefusedAndChangesNothing() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      assertThrows(IllegalArgumentException.class, () -> log.append(List.of()));
      assertEquals(0, log.logEndOffset());
    }
  }

  @Test
  public void append_batchOverTheLimit_isRefusedWithBothSizes_andChangesNothing() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments().toBuilder().maxBatchBytes(512).build());
      log.append(records(0, 3));
      List<SegmentInfo> before = log.segments();
      RecordTooLargeException e = assertThrows(RecordTooLargeException.class,
          () -> log.append(ProducerRecord.ofValue(new byte[600])));
      assertEquals(512, e.maxBatchBytes());
      assertTrue(e.batchBytes() > 600, "batch size " + e.batchBytes());
      assertTrue(e.getMessage().contains("batchBytes=" + e.batchBytes()) && e.getMessage().contains("512"),
          e.getMessage());
      assertEquals(before, log.segments());
      assertEquals(3, log.logEndOffset());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // read

  @Test
  public void read_belowLogStart_throwsOffsetOutOfRange_withTheRange() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 10));
      log.deleteRecordsBefore(4);
      OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> log.read(3, 100));
      assertEquals(3, e.requested());
      assertEquals(4, e.logStartOffset());
      assertEquals(10, e.logEndOffset());
      assertEquals(new TopicPartition("t", 0), e.partition());
    }
  }

  @Test
  public void read_aboveLogEnd_throwsOffsetOutOfRange_andAtTheEndReturnsNothing() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 10));
      assertThrows(OffsetOutOfRangeException.class, () -> log.read(11, 100));
      ReadResult atEnd = log.read(10, 100);
      assertTrue(atEnd.isEmpty());
      assertEquals(10, atEnd.nextOffset());
    }
  }

  @Test
  public void read_maxBytesSmallerThanTheFirstBatch_returnsTheWholeFirstBatch() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 5));
      log.append(records(5, 5));
      ReadResult r = log.read(2, 1);
      assertEquals(3, r.size(), "the rest of the first batch, from the offset asked for");
      assertEquals(5, r.nextOffset());
      assertRecord(2, 2, r.records().get(0));
    }
  }

  @Test
  public void transferTo_sendsWholeKafkaBatches_fromTheBatchHoldingTheOffset() throws IOException {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 4));
      log.append(records(4, 4));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long written = log.transferTo(5, 1 << 20, Channels.newChannel(out));
      assertEquals(out.size(), written);
      ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
      int size = BatchValidator.ensureValid(bytes, 0, bytes.limit(), "test", 0);
      assertEquals(bytes.limit(), size, "exactly one whole batch");
      List<LogRecord> sent = RecordBatchDecoder.decode(bytes, 0, "test", 0);
      assertEquals(4, sent.size());
      for (int i = 0; i < 4; i++) {
        assertRecord(4 + i, 4 + i, sent.get(i));
      }
      assertEquals(written, log.transferTo(5, 1 << 20, Channels.newChannel(new ByteArrayOutputStream())),
          "a second transfer (of checked bytes) sends the same");
    }
  }

  @Test
  public void reader_poll_waitsForAnAppend_andThenReturnsIt() throws Exception {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 2));
      try (LogReader reader = log.reader(0)) {
        assertEquals(2, reader.poll(Duration.ZERO).size());
        assertTrue(reader.poll(Duration.ZERO).isEmpty());
        CompletableFuture<ReadResult> polled =
            CompletableFuture.supplyAsync(() -> reader.poll(Duration.ofSeconds(30)));
        log.append(records(2, 1));
        ReadResult r = polled.get(30, TimeUnit.SECONDS);
        assertEquals(1, r.size());
        assertRecord(2, 2, r.records().get(0));
        assertEquals(3, reader.position());
      }
    }
  }

  @Test
  public void offsetForTimestamp_outOfOrderTimestamps_returnsTheFirstOffsetAtOrAfter() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments().toBuilder().indexIntervalBytes(0).build());
      long[] ts = {100, 300, 200, 500, 400, 400, 900};
      for (int i = 0; i < ts.length; i++) {
        log.append(ProducerRecord.builder().value("v" + i).timestamp(ts[i]).build());
        if (i == 3) {
          log.roll();
        }
      }
      assertEquals(OptionalLong.of(0), log.offsetForTimestamp(50));
      assertEquals(OptionalLong.of(1), log.offsetForTimestamp(150));
      assertEquals(OptionalLong.of(1), log.offsetForTimestamp(300));
      assertEquals(OptionalLong.of(3), log.offsetForTimestamp(301));
      assertEquals(OptionalLong.of(6), log.offsetForTimestamp(501));
      assertEquals(OptionalLong.empty(), log.offsetForTimestamp(901));
      f.reopen();
      Log reopened = f.store.log(new TopicPartition("t", 0));
      assertEquals(OptionalLong.of(3), reopened.offsetForTimestamp(450), "after reopen, from the index");
    }
  }

  /**
   * One writer appends, rolls, truncates and applies retention while readers read from random
   * offsets: a reader never sees a partial batch, a wrong record or a deleted segment's bytes. The
   * value of a record is a function of its offset, so it stays right across truncations.
   */
  @Test
  public void concurrentReads_duringAppendsRollsTruncationAndRetention_seeOnlyWholeRightRecords()
      throws Exception {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", TopicConfig.builder().segmentBytes(2048).indexIntervalBytes(64)
          .segmentIndexBytes(1024).retentionBytes(8192).retentionTime(TopicConfig.FOREVER).build());
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      AtomicInteger reads = new AtomicInteger();
      java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(3);
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        long seed = r;
        futures.add(readers.submit(() -> {
          Random random = new Random(seed);
          while (!done.get()) {
            long start = log.logStartOffset();
            long end = log.logEndOffset();
            long offset = start + (end > start ? (long) (random.nextDouble() * (end - start)) : 0);
            ReadResult result;
            try {
              result = log.read(offset, 1 + random.nextInt(600));
            } catch (OffsetOutOfRangeException raced) {
              continue; // retention or truncation moved the range meanwhile
            }
            long expected = offset;
            for (LogRecord rec : result) {
              assertEquals(expected, rec.offset(), "dense offsets");
              assertArrayEquals(valueOf(rec.offset()), rec.value(), "record at " + rec.offset());
              expected++;
            }
            reads.incrementAndGet();
          }
          return null;
        }));
      }
      Random random = new Random(42);
      for (int i = 0; i < 3000; i++) {
        long next = log.logEndOffset();
        int count = 1 + random.nextInt(4);
        List<ProducerRecord> batch = new ArrayList<>();
        for (int j = 0; j < count; j++) {
          batch.add(ProducerRecord.of(null, valueOf(next + j)));
        }
        log.append(batch);
        int op = random.nextInt(100);
        if (op < 3) {
          log.roll();
        } else if (op < 5) {
          log.applyRetention();
        } else if (op < 7) {
          long start = log.logStartOffset();
          log.truncateTo(Math.max(start, log.logEndOffset() - random.nextInt(8)));
        }
      }
      done.set(true);
      for (var future : futures) {
        future.get(60, TimeUnit.SECONDS); // rethrows a reader's failure
      }
      readers.shutdown();
      assertTrue(reads.get() > 0, "the readers ran");
    }
  }

  private static byte[] valueOf(long offset) {
    return ("value-at-" + offset).getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // roll, truncate, delete records, retention

  @Test
  public void roll_thenReopen_readsTheSameRecordsAndSegments() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 3));
      log.roll();
      log.roll(); // rolling an empty active segment does nothing
      log.append(records(3, 3));
      List<SegmentInfo> segments = log.segments();
      assertEquals(2, segments.size());
      assertEquals(3, segments.get(1).baseOffset());
      f.reopen();
      Log reopened = f.store.log(new TopicPartition("t", 0));
      assertEquals(segments, reopened.segments());
      List<LogRecord> all = readAll(reopened);
      for (int i = 0; i < 6; i++) {
        assertRecord(i, i, all.get(i));
      }
    }
  }

  @Test
  public void truncateTo_insideABatch_keepsTheRecordsBelow_andAppendsContinue() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 5));
      log.roll();
      log.append(records(5, 5));
      log.truncateTo(7);
      assertEquals(7, log.logEndOffset());
      assertTrue(log.recoveryPoint() <= 7);
      assertEquals(7, log.append(record(70)).baseOffset());
      f.reopen();
      List<LogRecord> all = readAll(f.store.log(new TopicPartition("t", 0)));
      assertEquals(8, all.size());
      for (int i = 0; i < 7; i++) {
        assertRecord(i, i, all.get(i));
      }
      assertRecord(70, 7, all.get(7));
      assertThrows(OffsetOutOfRangeException.class, () -> f.store.log(new TopicPartition("t", 0)).truncateTo(9));
    }
  }

  @Test
  public void deleteRecordsBefore_raisesTheLogStart_deletesWholeSegments_andSurvivesReopen() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      for (int i = 0; i < 4; i++) {
        log.append(records(i * 3, 3));
        log.roll();
      }
      assertEquals(5, log.segments().size());
      assertEquals(7, log.deleteRecordsBefore(7));
      assertEquals(7, log.deleteRecordsBefore(2), "the log start never goes back");
      assertEquals(6, log.segments().get(0).baseOffset(), "segments wholly below 7 are gone");
      f.reopen();
      Log reopened = f.store.log(new TopicPartition("t", 0));
      assertEquals(7, reopened.logStartOffset());
      assertRecord(7, 7, reopened.read(7, 100).records().get(0));
      assertThrows(OffsetOutOfRangeException.class, () -> reopened.deleteRecordsBefore(13));
    }
  }

  @Test
  public void retention_bySize_deletesTheOldestSealedSegmentsOnly() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments().toBuilder().retentionBytes(1).build());
      for (int i = 0; i < 4; i++) {
        log.append(records(i * 3, 3));
        log.roll();
      }
      log.append(records(12, 3));
      assertEquals(4, log.applyRetention(), "every sealed segment goes; the active one stays");
      assertEquals(1, log.segments().size());
      assertEquals(12, log.logStartOffset());
      assertRecord(12, 12, log.read(12, 100).records().get(0));
    }
  }

  @Test
  public void retention_byTime_deletesSegmentsWhoseNewestRecordIsTooOld() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments().toBuilder().retentionTime(Duration.ofMinutes(10)).build());
      log.append(records(0, 3));
      log.roll();
      f.clock.advance(Duration.ofMinutes(8));
      log.append(records(3, 3));
      log.roll();
      log.append(records(6, 3));
      f.clock.advance(Duration.ofMinutes(5));
      assertEquals(1, log.applyRetention(), "only the first segment is older than 10 minutes");
      assertEquals(3, log.logStartOffset());
      f.clock.advance(Duration.ofHours(1));
      assertEquals(1, log.applyRetention(), "never the active segment");
      assertEquals(6, log.logStartOffset());
    }
  }

  @Test
  public void retention_inTheBackground_runsOnTheScheduler() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments().toBuilder().retentionTime(Duration.ofMinutes(1)).build());
      log.append(records(0, 3));
      log.roll();
      log.append(records(3, 3));
      f.clock.advance(Duration.ofMinutes(10));
      f.scheduler.runDue();
      assertEquals(3, log.logStartOffset());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // flush, reopen, crash

  @Test
  public void flush_movesTheRecoveryPointToTheEnd() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 3));
      assertEquals(0, log.recoveryPoint());
      log.flush();
      assertEquals(3, log.recoveryPoint());
    }
  }

  @Test
  public void reopen_afterACleanClose_recoversNothing() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 30));
      f.reopen();
      RecoveryReport report = f.store.recoveryReport();
      assertTrue(report.cleanShutdown());
      assertEquals(0, report.scannedPartitions());
      assertEquals(30, f.store.log(new TopicPartition("t", 0)).recoveryPoint());
    }
  }

  @Test
  public void crash_tornOrFlippedUnflushedTail_isCutAndReported_neverServed() {
    requireCrashes();
    int cut = 0;
    for (int seed = 0; seed < 24; seed++) {
      try (Fixture f = new Fixture()) {
        Log log = f.log("t", smallSegments());
        log.append(records(0, 4));
        log.flush();
        for (int i = 4; i < 16; i += 4) {
          log.append(records(i, 4));
        }
        f.crash.crash(seed % 2 == 0 ? CrashKind.TEAR : CrashKind.FLIP, new Random(seed));
        try {
          f.store.close();
        } catch (RuntimeException expected) {
          // the store's I/O is dead
        }
        LogStore store = f.open();
        Log after = store.log(new TopicPartition("t", 0));
        long end = after.logEndOffset();
        assertTrue(end >= 4 && end <= 16, "end " + end + " must keep the 4 flushed records");
        List<LogRecord> all = readAll(after);
        assertEquals(end, all.size());
        for (int i = 0; i < all.size(); i++) {
          assertRecord(i, i, all.get(i));
        }
        RecoveryReport report = store.recoveryReport();
        assertFalse(report.cleanShutdown());
        if (report.truncatedBytes() > 0) {
          cut++;
          RecoveryReport.Cut c = report.partitions().get(0).cuts().get(0);
          assertTrue(c.position() >= 0 && !c.reason().isEmpty() && !c.source().isEmpty(), c.toString());
        }
        assertEquals(end, after.append(record(99)).baseOffset(), "appends continue after recovery");
      }
    }
    String engine = missingCapabilities().get(Capability.TORN_WRITES_REACH_RECOVERY);
    Assumptions.assumeTrue(engine == null, () -> "the log stayed correct through 24 torn or flipped "
        + "tails; no cut to report because " + engine);
    assertTrue(cut > 0, "24 torn or flipped tails and recovery never had to cut one");
  }

  @Test
  public void crash_dropEverythingUnflushed_keepsEverythingFlushed() {
    requireCrashes();
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 20));
      log.flush();
      log.append(records(20, 5));
      f.crash.crash(CrashKind.DROP, new Random(0));
      try {
        f.store.close();
      } catch (RuntimeException expected) {
        // the store's I/O is dead
      }
      Log after = f.open().log(new TopicPartition("t", 0));
      assertTrue(after.logEndOffset() >= 20);
      assertEquals(after.logEndOffset(), readAll(after).size());
    }
  }

  /**
   * A consumer stuck writing to its channel holds only the segment it reads: retention deletes
   * that segment from the log meanwhile, appends go on, and the consumer still gets whole, right
   * batches when it resumes.
   */
  @Test
  public void slowConsumer_blocksNeitherRetentionNorAppends() throws Exception {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 5));
      log.roll();
      log.append(records(5, 5));
      java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      java.nio.channels.WritableByteChannel stuck = new java.nio.channels.WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) throws IOException {
          writing.countDown();
          try {
            resume.await();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          int n = src.remaining();
          byte[] b = new byte[n];
          src.get(b);
          received.write(b);
          return n;
        }

        @Override
        public boolean isOpen() {
          return true;
        }

        @Override
        public void close() {}
      };
      CompletableFuture<Long> transfer = CompletableFuture.supplyAsync(() -> {
        try {
          return log.transferTo(0, 1 << 20, stuck);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertTrue(writing.await(30, TimeUnit.SECONDS), "the transfer started");
      CompletableFuture<Void> work = CompletableFuture.runAsync(() -> {
        log.deleteRecordsBefore(5); // retires the segment being read
        log.append(records(10, 5));
        log.applyRetention();
      });
      work.get(30, TimeUnit.SECONDS); // would time out if the reader blocked them
      assertEquals(5, log.logStartOffset());
      assertEquals(15, log.logEndOffset());
      resume.countDown();
      long transferred = transfer.get(30, TimeUnit.SECONDS);
      assertEquals(received.size(), transferred);
      ByteBuffer bytes = ByteBuffer.wrap(received.toByteArray());
      List<LogRecord> sent = RecordBatchDecoder.decode(bytes, 0, "test", 0);
      for (int i = 0; i < 5; i++) {
        assertRecord(i, i, sent.get(i));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // I/O failures (injected through the SimulatedDisk)

  private SimulatedDisk simulatedDisk(Fixture f) {
    Assumptions.assumeTrue(f.crash instanceof SimulatedDisk,
        "I/O failures are injected through a SimulatedDisk; this backend uses another crash simulator");
    return (SimulatedDisk) f.crash;
  }

  /** Any file but the temporary of an atomic write: the first one hit is a segment's data. */
  private static boolean isData(Path p) {
    return !p.getFileName().toString().endsWith(".tmp");
  }

  @Test
  public void writeFailure_duringAnAppend_leavesTheLogAsItWas_andAppendsGoOn() {
    try (Fixture f = new Fixture()) {
      SimulatedDisk disk = simulatedDisk(f);
      Log log = f.log("t", smallSegments());
      log.append(records(0, 3));
      disk.failNext(SimulatedDisk.Operation.WRITE, StorageConformanceTest::isData);
      try {
        log.append(records(3, 3));
      } catch (io.samsa.StorageException expected) {
        // the write failed
      }
      Assumptions.assumeTrue(disk.pendingFaults() == 0, "this backend writes its data through a "
          + "memory mapping, not channel writes: a failing write cannot be injected (a full disk "
          + "under a mapping faults the JVM instead)");
      assertEquals(3, log.logEndOffset(), "the failed append left nothing");
      assertEquals(3, log.append(records(3, 3)).baseOffset());
      f.reopen();
      List<LogRecord> all = readAll(f.store.log(new TopicPartition("t", 0)));
      assertEquals(6, all.size());
      for (int i = 0; i < 6; i++) {
        assertRecord(i, i, all.get(i));
      }
    }
  }

  @Test
  public void fsyncFailure_takesThePartitionOffline_andTheNextOpenRecoversIt() {
    try (Fixture f = new Fixture()) {
      SimulatedDisk disk = simulatedDisk(f);
      Log log = f.log("t", smallSegments().toBuilder().flushPolicy(io.samsa.FlushPolicy.everyAppend()).build());
      log.append(records(0, 3));
      assertEquals(3, log.recoveryPoint());
      disk.failNext(SimulatedDisk.Operation.FORCE, StorageConformanceTest::isData);
      assertThrows(io.samsa.StorageException.class, () -> log.append(records(3, 1)));
      io.samsa.StorageException again = assertThrows(io.samsa.StorageException.class, () -> log.append(records(4, 1)));
      assertTrue(again.getMessage().contains("reopen"), again.getMessage());
      assertThrows(io.samsa.StorageException.class, () -> log.read(0, 100), "an offline log serves nothing");
      assertThrows(io.samsa.StorageException.class, f.store::close, "a failed log is not closed cleanly");
      LogStore store = f.open();
      assertFalse(store.recoveryReport().cleanShutdown(), "the next open recovers");
      Log after = store.log(new TopicPartition("t", 0));
      List<LogRecord> all = readAll(after);
      assertTrue(all.size() >= 3, "the 3 flushed records survive");
      for (int i = 0; i < all.size(); i++) {
        assertRecord(i, i, all.get(i));
      }
    }
  }

  @Test
  public void truncationFailure_neverLeadsToACleanOpen_orAHole() {
    try (Fixture f = new Fixture()) {
      SimulatedDisk disk = simulatedDisk(f);
      Log log = f.log("t", smallSegments());
      log.append(records(0, 3));
      log.roll();
      log.append(records(3, 3));
      disk.failNext(SimulatedDisk.Operation.FORCE, StorageConformanceTest::isData);
      assertThrows(io.samsa.StorageException.class, () -> log.truncateTo(1));
      assertThrows(io.samsa.StorageException.class, f.store::close);
      LogStore store = f.open();
      assertFalse(store.recoveryReport().cleanShutdown());
      Log after = store.log(new TopicPartition("t", 0));
      List<LogRecord> all = readAll(after);
      assertEquals(after.logEndOffset() - after.logStartOffset(), all.size(), "offsets are dense");
      for (int i = 0; i < all.size(); i++) {
        assertRecord(i, i, all.get(i));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // topics and the store

  @Test
  public void createTopic_badNames_areRefused_andNothingIsCreated() throws IOException {
    try (Fixture f = new Fixture()) {
      List<Path> before;
      try (Stream<Path> s = Files.walk(f.dir)) {
        before = s.sorted().toList();
      }
      for (String bad : new String[] {"", ".", "..", "a/b", "a b", "ümlaut", "x".repeat(250), "tab\t"}) {
        InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> f.store.createTopic(bad, 1));
        assertTrue(e.getMessage().contains("[a-zA-Z0-9._-]"), e.getMessage());
      }
      assertThrows(InvalidTopicException.class, () -> f.store.createTopic(null, 1));
      try (Stream<Path> s = Files.walk(f.dir)) {
        assertEquals(before, s.sorted().toList(), "nothing was created on disk");
      }
      assertTrue(f.store.topics().isEmpty());
      f.store.createTopic("x".repeat(249), 1);
      f.store.createTopic("ok.name_with-all-chars.09", 1);
    }
  }

  @Test
  public void createTopic_twice_throwsTopicExists_andKeepsTheFirst() {
    try (Fixture f = new Fixture()) {
      f.store.createTopic("t", 2);
      assertThrows(TopicExistsException.class, () -> f.store.createTopic("t", 5));
      assertEquals(2, f.store.describeTopic("t").partitionCount());
      assertThrows(InvalidPartitionsException.class, () -> f.store.createTopic("u", 0));
    }
  }

  @Test
  public void addPartitions_growsTheTopic_neverShrinksIt_andSurvivesReopen() {
    try (Fixture f = new Fixture()) {
      f.store.createTopic("t", 2, smallSegments());
      Topic topic = f.store.topic("t");
      topic.partition(1).append(record(1));
      InvalidPartitionsException e = assertThrows(InvalidPartitionsException.class,
          () -> f.store.addPartitions("t", 1));
      assertEquals(1, e.requested());
      assertEquals(2, e.current());
      assertEquals(4, f.store.addPartitions("t", 4).partitionCount());
      assertEquals(4, topic.partitionCount(), "handles see partitions added later");
      topic.partition(3).append(record(3));
      f.reopen();
      assertEquals(4, f.store.describeTopic("t").partitionCount());
      assertEquals(smallSegments(), f.store.describeTopic("t").config());
      assertEquals(1, f.store.log(new TopicPartition("t", 3)).logEndOffset());
      assertThrows(UnknownTopicOrPartitionException.class, () -> f.store.log(new TopicPartition("t", 4)));
    }
  }

  @Test
  public void deleteTopic_makesItsLogsFail_andTheNameCanBeReused() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 5));
      f.store.deleteTopic("t");
      assertThrows(UnknownTopicOrPartitionException.class, () -> log.append(record(0)));
      assertThrows(UnknownTopicOrPartitionException.class, () -> f.store.topic("t"));
      Log again = f.log("t", smallSegments());
      assertEquals(0, again.logEndOffset(), "a new topic of the same name starts empty");
      f.reopen();
      assertEquals(0, f.store.log(new TopicPartition("t", 0)).logEndOffset());
    }
  }

  @Test
  public void topicAppend_sendsKeysWhereKafkaWould_andKeylessRecordsInTurn() {
    try (Fixture f = new Fixture()) {
      f.store.createTopic("t", 6);
      Topic topic = f.store.topic("t");
      for (int i = 0; i < 50; i++) {
        byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
        AppendResult r = topic.append(ProducerRecord.of(key, new byte[1]));
        assertEquals(Partitioner.murmur2().partition(key, 6), r.topicPartition().partition());
      }
      int first = topic.append(ProducerRecord.ofValue(new byte[1])).topicPartition().partition();
      int second = topic.append(ProducerRecord.ofValue(new byte[1])).topicPartition().partition();
      assertEquals((first + 1) % 6, second);
    }
  }

  @Test
  public void closedStore_everyCallThrowsStoreClosed() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      Topic topic = f.store.topic("t");
      LogReader reader = log.reader(0);
      f.store.close();
      f.store.close(); // idempotent
      assertThrows(StoreClosedException.class, () -> log.append(record(0)));
      assertThrows(StoreClosedException.class, () -> log.read(0, 10));
      assertThrows(StoreClosedException.class, log::logEndOffset);
      assertThrows(StoreClosedException.class, () -> topic.append(record(0)));
      assertThrows(StoreClosedException.class, () -> reader.poll(Duration.ZERO));
      assertThrows(StoreClosedException.class, () -> f.store.createTopic("u", 1));
      assertThrows(StoreClosedException.class, f.store::topics);
      StoreClosedException e = assertThrows(StoreClosedException.class, () -> f.store.topic("t"));
      assertTrue(e.getMessage().contains(f.dir.toString()), e.getMessage());
    }
  }

  @Test
  public void secondStoreOnTheSameDirectory_isRefused_andTheFirstKeepsWorking() {
    try (Fixture f = new Fixture()) {
      Log log = f.log("t", smallSegments());
      log.append(records(0, 3));
      StoreLockedException e = assertThrows(StoreLockedException.class,
          () -> Samsa.builder(f.dir).provider(f.provider).scheduler(Scheduler.disabled()).open());
      assertTrue(e.getMessage().contains(".lock"), e.getMessage());
      assertEquals(3, log.append(record(3)).baseOffset());
      assertEquals(4, readAll(log).size());
    }
  }
}
