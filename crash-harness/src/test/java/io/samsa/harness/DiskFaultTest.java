package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.FlushPolicy;
import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.SegmentInfo;
import io.samsa.StorageException;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.testkit.CrashKind;
import io.samsa.testkit.ManualClock;
import io.samsa.testkit.ManualScheduler;
import io.samsa.testkit.SimulatedDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * I/O errors under a store, injected at the I/O primitive by the test kit's {@link SimulatedDisk}
 * (the {@code FileIO} every file goes through): a write, a truncation or an fsync that fails as a
 * full disk or a failing device would.
 *
 * <p>The promise (Log's class doc): a failed write leaves the log as it was before the call (its
 * end, its segments, what reads return, the bytes in its files), the error is a {@link
 * StorageException} naming the partition, the file and the cause, and once the fault is gone the
 * next append works, at the offset the failed one would have had. A failed fsync is different by
 * design: the partition refuses every call until the store is reopened, and reopening recovers
 * it.
 *
 * <p>A real kernel error (not a simulated one) is {@link FileSizeLimitTest}'s business.
 */
class DiskFaultTest {
  static final TopicPartition TP = new TopicPartition("t", 0);
  static final long SEED = 20_251_124L;

  @TempDir Path tmp;

  private final RecordModel model = new RecordModel(SEED);

  /** A store on a simulated disk, with a manual clock and scheduler. */
  private final class Fixture implements AutoCloseable {
    final Path dir;
    final String backend;
    final SimulatedDisk disk = new SimulatedDisk();
    final ManualClock clock = new ManualClock(RecordModel.BASE_TIMESTAMP);
    ManualScheduler scheduler;
    LogStore store;

    Fixture(String backend) {
      this.backend = backend;
      this.dir = tmp.resolve(backend);
      open();
    }

    LogStore open() {
      scheduler = new ManualScheduler(clock);
      store = Samsa.builder(dir).backend(backend).fileIO(disk.fileIO()).clock(clock).scheduler(scheduler).open();
      return store;
    }

    Log log(TopicConfig config) {
      if (!store.topics().contains(TP.topic())) {
        store.createTopic(TP.topic(), 1, config);
      }
      return store.log(TP);
    }

    void reopen() {
      store.close();
      open();
    }

    @Override
    public void close() {
      try {
        store.close();
      } catch (RuntimeException e) {
        // a test that left the partition offline closes uncleanly; that is checked where it matters
      }
    }
  }

  private static TopicConfig config(int segmentBytes, FlushPolicy policy) {
    return TopicConfig.builder().segmentBytes(segmentBytes).segmentIndexBytes(4096).indexIntervalBytes(0)
        .retentionTime(TopicConfig.FOREVER).flushPolicy(policy).build();
  }

  /** Appends {@code batches} batches of model records; returns the log end. */
  private long fill(Log log, int batches) {
    for (int i = 0; i < batches; i++) {
      long end = log.logEndOffset();
      log.append(model.records(0, end, 1 + i % 3));
    }
    return log.logEndOffset();
  }

  /** Everything a reader and the disk can see of the log, for before/after comparisons. */
  private record State(long logEnd, List<SegmentInfo> segments, List<LogRecord> records, long dataBytes) {}

  private State state(Log log, Fixture f) throws IOException {
    long bytes = 0;
    try (Stream<Path> s = Files.list(f.dir.resolve("t-0"))) {
      for (Path p : (Iterable<Path>) s.filter(x -> x.toString().endsWith(".log"))::iterator) {
        bytes += f.backend.equals("mmap") ? ProcessKillTest.endOfNonZero(p) : Files.size(p);
      }
    }
    return new State(log.logEndOffset(), log.segments(), StoreChecks.readAll(log, 1 << 20), bytes);
  }

  private static Predicate<Path> endsWith(String suffix) {
    return p -> p.getFileName().toString().endsWith(suffix);
  }

  /** The append fails with a StorageException that says where and why, and changes nothing. */
  private void failingAppendChangesNothing(Fixture f, Log log, String file) throws IOException {
    State before = state(log, f);
    StorageException e = assertThrows(StorageException.class,
        () -> log.append(model.records(0, before.logEnd(), 3)));
    assertEquals(0, f.disk.pendingFaults(), "the injected fault was met");
    assertTrue(e.getMessage().contains(TP.toString()) && e.getMessage().contains(file)
        && e.getMessage().contains("simulated I/O error"), "the message names the partition, the file and "
        + "the cause: " + e.getMessage());
    assertEquals(before, state(log, f), "the failed append left the log and its data files as they were");
  }

  /** Appends go on at the offset the failed append would have had, and survive a clean reopen. */
  private void appendsGoOn(Fixture f, Log log) {
    long end = log.logEndOffset();
    assertEquals(end, log.append(model.records(0, end, 2)).baseOffset(), "the next append after the fault");
    f.reopen();
    Log again = f.store.log(TP);
    assertEquals(end + 2, again.logEndOffset());
    StoreChecks.verify(again, 0, model);
  }

  @Test
  void append_writeFails_throwsAndLeavesTheLogAsItWas_thenAppendsGoOn() throws IOException {
    try (Fixture f = new Fixture("file")) {
      Log log = f.log(config(1 << 20, FlushPolicy.never()));
      fill(log, 20);
      f.disk.failNext(SimulatedDisk.Operation.WRITE, endsWith(".log"));
      failingAppendChangesNothing(f, log, ".log");
      appendsGoOn(f, log);
    }
  }

  /**
   * The file backend writes its index entries lazily, in one write when the segment is sealed (or
   * forced): a failed index write surfaces at the roll, which fails cleanly, and changes nothing a
   * reader sees; the next roll and appends go on.
   */
  @ParameterizedTest
  @ValueSource(strings = {".index", ".timeindex"})
  void roll_indexWriteFails_throwsAndReadsAreUnchanged_thenTheLogGoesOn(String file) throws IOException {
    try (Fixture f = new Fixture("file")) {
      Log log = f.log(config(1 << 20, FlushPolicy.never()));
      fill(log, 20);
      State before = state(log, f);
      f.disk.failNext(SimulatedDisk.Operation.WRITE, endsWith(file));
      StorageException e = assertThrows(StorageException.class, log::roll);
      assertEquals(0, f.disk.pendingFaults(), "the injected fault was met");
      assertTrue(e.getMessage().contains(TP.toString()) && e.getMessage().contains(file),
          "the message names the partition and the file: " + e.getMessage());
      assertEquals(before.records(), StoreChecks.readAll(log, 1 << 20), "readers see the log as it was");
      assertEquals(before.logEnd(), log.logEndOffset());
      appendsGoOn(f, log);
    }
  }

  @Test
  void append_writeAndItsRollbackBothFail_logAsItWasForReaders_andAPowerCutKeepsEveryFlushedRecord()
      throws IOException {
    try (Fixture f = new Fixture("file")) {
      Log log = f.log(config(1 << 20, FlushPolicy.everyAppend()));
      long end = fill(log, 20);
      List<LogRecord> before = StoreChecks.readAll(log, 1 << 20);
      // The write fails part-way (nothing of it is kept by this disk) and cutting it back fails too.
      f.disk.failNext(SimulatedDisk.Operation.WRITE, endsWith(".log"));
      f.disk.failNext(SimulatedDisk.Operation.TRUNCATE, endsWith(".log"));
      assertThrows(StorageException.class, () -> log.append(model.records(0, end, 3)));
      assertEquals(end, log.logEndOffset());
      assertEquals(before, StoreChecks.readAll(log, 1 << 20), "readers see the log as it was");
      // The batch's bytes may linger past the end of the data; a power cut now must not bring them in.
      f.disk.crash(CrashKind.TEAR, new Random(SEED));
      f.open();
      Log after = f.store.log(TP);
      assertEquals(end, after.logEndOffset(), "every flushed record, and nothing of the failed append");
      StoreChecks.verify(after, 0, model);
      appendsGoOn(f, after);
    }
  }

  @Test
  void append_diskFullForAWhile_everyAttemptFailsCleanly_thenAppendsGoOn() throws IOException {
    try (Fixture f = new Fixture("file")) {
      Log log = f.log(config(1 << 20, FlushPolicy.never()));
      fill(log, 5);
      for (int i = 0; i < 5; i++) {
        f.disk.failNext(SimulatedDisk.Operation.WRITE, endsWith(".log"));
        failingAppendChangesNothing(f, log, ".log");
      }
      appendsGoOn(f, log);
    }
  }

  @Test
  void roll_newSegmentCannotBeCreated_appendFailsAndChangesNothing_thenTheNextAppendRolls() throws IOException {
    try (Fixture f = new Fixture("file")) {
      int segmentBytes = 64 * 1024;
      Log log = f.log(config(segmentBytes, FlushPolicy.never()));
      // Fill the segment until the next model record does not fit: that append rolls.
      while (true) {
        List<io.samsa.ProducerRecord> next = model.records(0, log.logEndOffset(), 1);
        long size = io.samsa.spi.format.RecordBatchEncoder.batchSize(next, f.clock.millis());
        long active = log.segments().get(log.segments().size() - 1).sizeInBytes();
        if (active > 0 && active + size > segmentBytes) {
          break;
        }
        log.append(next);
      }
      int segments = log.segments().size();
      String next = String.format("%020d.log", log.logEndOffset());
      f.disk.failNext(SimulatedDisk.Operation.TRUNCATE, endsWith(next)); // creating its data file fails
      failingAppendChangesNothing(f, log, next);
      assertEquals(segments, log.segments().size(), "no segment was added");
      appendsGoOn(f, log);
      assertEquals(segments + 1, f.store.log(TP).segments().size(), "the next append rolled");
    }
  }

  @Test
  void roll_backgroundCheckpointWriteFails_nextCallReportsIt_thenTheLogGoesOn() {
    try (Fixture f = new Fixture("file")) {
      Log log = f.log(config(1 << 20, FlushPolicy.never()));
      long end = fill(log, 5);
      log.roll();
      f.disk.failNext(SimulatedDisk.Operation.WRITE, endsWith("partition.checkpoint.tmp"));
      f.scheduler.runDue(); // the roll's flush and checkpoint, in the background
      assertEquals(0, f.disk.pendingFaults(), "the background checkpoint met the fault");
      StorageException e = assertThrows(StorageException.class, () -> log.append(model.records(0, end, 1)));
      assertTrue(e.getMessage().contains("background") && e.getMessage().contains(TP.toString()), e.getMessage());
      assertEquals(end, log.logEndOffset(), "the call that reported the failure appended nothing");
      appendsGoOn(f, log);
    }
  }

  @Test
  void append_fsyncFails_partitionRefusesCallsUntilReopened_thenRecoveryKeepsTheBatchWholeOrNotAtAll() {
    try (Fixture f = new Fixture("file")) {
      Log log = f.log(config(1 << 20, FlushPolicy.everyAppend()));
      long end = fill(log, 10);
      f.disk.failNext(SimulatedDisk.Operation.FORCE, endsWith(".log"));
      assertThrows(StorageException.class, () -> log.append(model.records(0, end, 3)));
      StorageException again = assertThrows(StorageException.class, () -> log.append(model.records(0, end, 1)));
      assertTrue(again.getMessage().contains("reopen"), again.getMessage());
      assertThrows(StorageException.class, () -> f.store.close(), "an offline partition is not closed cleanly");
      f.open();
      Log after = f.store.log(TP);
      assertTrue(after.logEndOffset() == end || after.logEndOffset() == end + 3,
          "the batch whose fsync failed is wholly there or not at all: log end " + after.logEndOffset());
      StoreChecks.verify(after, 0, model);
      appendsGoOn(f, after);
    }
  }

  @Test
  void append_mmapCannotExtendANewSegment_throwsAndLeavesTheLogAsItWas_thenAppendsGoOn() throws IOException {
    try (Fixture f = new Fixture("mmap")) {
      Log log = f.log(config(64 * 1024, FlushPolicy.never()));
      fill(log, 10);
      log.roll();
      // The first append to the new segment extends (preallocates) its file: that write fails.
      String active = String.format("%020d.log", log.logEndOffset());
      f.disk.failNext(SimulatedDisk.Operation.WRITE, endsWith(active));
      failingAppendChangesNothing(f, log, active);
      appendsGoOn(f, log);
    }
  }
}
