package io.samsa.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.InvalidConfigException;
import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicConfig;
import io.samsa.core.Samsa;
import io.samsa.core.Scheduler;
import io.samsa.testkit.ManualClock;
import io.samsa.testkit.ManualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page-cache policy, observed with {@code mincore}: what the advisor loads and drops, the
 * window ahead of a sequential reader, drop-behind, cold segments; and the same store without
 * {@code posix_fadvise}.
 */
class PageCacheTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  private static PageCacheAdvisor linux() {
    PageCacheAdvisor a = FileStorageProvider.detect();
    Assumptions.assumeTrue(a.active(), () -> "no posix_fadvise here: " + a.name());
    return a;
  }

  private static double resident(Path file, long from, long to) {
    try {
      return Residency.resident(file, from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean eventually(java.util.function.BooleanSupplier c) throws InterruptedException {
    return Residency.await(c, Duration.ofSeconds(20));
  }

  /** A topic of one partition with one big segment of 1 KiB records, 16 per batch, flushed. */
  private static Log fill(LogStore store, long bytes) {
    store.createTopic("t", 1, TopicConfig.builder().segmentBytes(256 * MIB)
        .retentionTime(TopicConfig.FOREVER).build());
    Log log = store.topic("t").partition(0);
    byte[] value = new byte[1024];
    new Random(1).nextBytes(value);
    List<ProducerRecord> batch = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      batch.add(ProducerRecord.of(null, value));
    }
    while (log.sizeInBytes() < bytes) {
      log.append(batch);
    }
    log.flush();
    return log;
  }

  private Path segmentFile() {
    return dir.resolve("t-0").resolve("00000000000000000000.log");
  }

  private static long readSequentially(Log log, long from, long bytes, int step) {
    long offset = from;
    long read = 0;
    while (read < bytes) {
      ReadResult r = log.read(offset, step);
      if (r.isEmpty()) {
        break;
      }
      offset = r.nextOffset();
      read += r.sizeInBytes();
    }
    return offset;
  }

  private LogStore open(Map<String, String> options) {
    Samsa.Builder b = Samsa.builder(dir).scheduler(Scheduler.disabled());
    options.forEach(b::backendOption);
    return b.open();
  }

  @Test
  void advisor_dontNeedDropsCleanPages_andWillNeedLoadsThem() throws Exception {
    PageCacheAdvisor advisor = linux();
    Path file = dir.resolve("data");
    byte[] bytes = new byte[8 * MIB];
    new Random(2).nextBytes(bytes);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true); // DONTNEED drops clean pages only
    }
    advisor.dontNeed(file, 0, 0);
    assertTrue(eventually(() -> resident(file, 0, bytes.length) < 0.05),
        "after DONTNEED: " + resident(file, 0, bytes.length));
    advisor.willNeed(file, 0, bytes.length);
    assertTrue(eventually(() -> resident(file, 0, bytes.length) == 1.0),
        "after WILLNEED: " + resident(file, 0, bytes.length));
  }

  @Test
  void sequentialReader_getsTheWindowAheadLoaded_whichThePlainKernelDoesNotLoad() throws Exception {
    PageCacheAdvisor advisor = linux();
    long window = 12 * MIB; // beyond what the kernel's own read-ahead reaches after 256 KiB
    for (boolean policy : new boolean[] {false, true}) {
      try (LogStore store = open(Map.of())) {
        fill(store, 20 * MIB);
      }
      advisor.dontNeed(segmentFile(), 0, 0);
      assertTrue(eventually(() -> resident(segmentFile(), 0, 20 * MIB) < 0.05));
      try (LogStore store = open(Map.of("readahead.bytes", Long.toString(policy ? window : 0),
          "dropbehind", "false"))) {
        readSequentially(store.topic("t").partition(0), 0, 256 * 1024, 64 * 1024);
        if (policy) {
          assertTrue(eventually(() -> resident(segmentFile(), 10 * MIB, 11 * MIB) > 0.95),
              "the window ahead is loaded: " + resident(segmentFile(), 10 * MIB, 11 * MIB));
        } else {
          assertTrue(resident(segmentFile(), 10 * MIB, 11 * MIB) < 0.5,
              "without the policy the kernel alone does not read 10 MiB ahead: "
                  + resident(segmentFile(), 10 * MIB, 11 * MIB));
        }
        assertTrue(resident(segmentFile(), 16 * MIB, 20 * MIB) < 0.5, "nothing past the window: "
            + resident(segmentFile(), 16 * MIB, 20 * MIB));
        store.deleteTopic("t");
      }
    }
  }

  @Test
  void readerOfSealedFlushedData_dropsWhatItPassed_unlessDropBehindIsOff() throws Exception {
    linux();
    for (boolean dropBehind : new boolean[] {true, false}) {
      try (LogStore store = open(Map.of("dropbehind", Boolean.toString(dropBehind),
          "readahead.bytes", "0"))) {
        Log log = fill(store, 16 * MIB);
        log.roll();
        log.flush(); // sealed and flushed: cold data a lagging consumer reads
        readSequentially(log, 0, 16 * MIB, 256 * 1024);
        double behind = resident(segmentFile(), 0, 12 * MIB);
        if (dropBehind) {
          assertTrue(behind < 0.1, "bytes the reader passed are dropped: " + behind);
        } else {
          assertTrue(behind > 0.9, "without drop-behind they stay: " + behind);
        }
        store.deleteTopic("t");
      }
    }
  }

  @Test
  void readerOfTheActiveSegment_dropsNothing() throws Exception {
    linux();
    try (LogStore store = open(Map.of("readahead.bytes", "0"))) {
      Log log = fill(store, 8 * MIB);
      readSequentially(log, 0, 8 * MIB, 256 * 1024);
      assertTrue(resident(segmentFile(), 0, 6 * MIB) > 0.9, "the tail stays cached");
    }
  }

  @Test
  void sealedFlushedSegment_isDroppedWhole_onceColdAfterHasPassed() throws Exception {
    linux();
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    ManualScheduler scheduler = new ManualScheduler(clock);
    try (LogStore store = Samsa.builder(dir).clock(clock).scheduler(scheduler)
        .backendOption("cold.after.ms", "60000").open()) {
      Log log = fill(store, 4 * MIB);
      log.roll();
      log.flush();
      clock.advance(Duration.ofSeconds(1));
      scheduler.runDue(); // maintenance sees the segment sealed
      assertTrue(resident(segmentFile(), 0, 4 * MIB) > 0.9, "not cold yet");
      clock.advance(Duration.ofSeconds(61));
      scheduler.runDue();
      assertTrue(eventually(() -> resident(segmentFile(), 0, 4 * MIB) < 0.05),
          "cold: " + resident(segmentFile(), 0, 4 * MIB));
    }
  }

  @Test
  void withoutPosixFadvise_theBackendLogsOnce_andReadsWithoutAdvice() {
    List<LogRecord> logged = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getMessage().contains("not available")) {
          logged.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger jul = Logger.getLogger(FileStorageProvider.class.getName());
    jul.addHandler(capture);
    try {
      FileStorageProvider provider = new FileStorageProvider(() -> FileStorageProvider.detect(() -> {
        throw new UnsatisfiedLinkError("Error looking up function 'posix_fadvise'");
      }));
      for (int round = 0; round < 2; round++) {
        try (LogStore store = Samsa.builder(dir).provider(provider).scheduler(Scheduler.disabled()).open()) {
          if (round == 0) {
            fill(store, 2 * MIB).roll();
          }
          Log log = store.topic("t").partition(0);
          long end = readSequentially(log, 0, 2 * MIB, 64 * 1024);
          assertEquals(log.logEndOffset(), end, "every record read without advice");
        }
      }
      assertEquals(1, logged.size(), "logged once: " + logged.size());
      assertTrue(logged.get(0).getParameters()[0].toString().contains("posix_fadvise"));
    } finally {
      jul.removeHandler(capture);
    }
  }

  @Test
  void options_unknownOrMalformed_failAtOpenSayingWhatIsAllowed() {
    InvalidConfigException unknown = assertThrows(InvalidConfigException.class,
        () -> open(Map.of("readahed.bytes", "1")));
    assertTrue(unknown.getMessage().contains("readahead.bytes"), unknown.getMessage());
    InvalidConfigException malformed = assertThrows(InvalidConfigException.class,
        () -> open(Map.of("readahead.bytes", "lots")));
    assertTrue(malformed.getMessage().contains("not an integer"), malformed.getMessage());
    InvalidConfigException notBoolean = assertThrows(InvalidConfigException.class,
        () -> open(Map.of("dropbehind", "yes")));
    assertTrue(notBoolean.getMessage().contains("true, false"), notBoolean.getMessage());
    assertFalse(dir.resolve("t-0").toFile().exists());
  }
}
