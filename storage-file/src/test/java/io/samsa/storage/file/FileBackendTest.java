package io.samsa.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.CorruptRecordException;
import io.samsa.FlushPolicy;
import io.samsa.InvalidConfigException;
import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ReadResult;
import io.samsa.ProducerRecord;
import io.samsa.RecoveryReport;
import io.samsa.StorageException;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.UnknownBackendException;
import io.samsa.core.Samsa;
import io.samsa.core.Scheduler;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.OffsetIndexDescriptor;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.testkit.ManualClock;
import io.samsa.testkit.ManualScheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the file backend: its files, its discovery, its zero-copy reads. */
class FileBackendTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);

  @TempDir Path dir;

  private static TopicConfig config() {
    return TopicConfig.builder().segmentBytes(4096).indexIntervalBytes(256).segmentIndexBytes(1024)
        .retentionTime(TopicConfig.FOREVER).build();
  }

  private LogStore open() {
    return Samsa.builder(dir).scheduler(Scheduler.disabled()).open();
  }

  private static List<ProducerRecord> records(int from, int count) {
    List<ProducerRecord> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(ProducerRecord.of("key-" + i, "value-" + i));
    }
    return list;
  }

  private static List<String> names(Path p) throws IOException {
    try (Stream<Path> s = Files.list(p)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  public void serviceLoader_findsTheFileBackend_byDefault() {
    assertTrue(Samsa.availableBackends().contains("file"), Samsa.availableBackends().toString());
    try (LogStore store = Samsa.open(dir)) {
      assertEquals("file", store.backend());
    }
  }

  @Test
  public void unknownBackendName_failsListingTheBackendsFound() {
    UnknownBackendException e = assertThrows(UnknownBackendException.class,
        () -> Samsa.builder(dir).backend("tape").open());
    assertEquals("tape", e.requested());
    assertTrue(e.available().contains("file"), e.available().toString());
    assertTrue(e.getMessage().contains("available=[file"), e.getMessage());
  }

  @Test
  public void layout_isKafkas_partitionDirectories_20DigitSegments_andTrimmedIndexes() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 2, config());
      Log log = store.log(TP);
      for (int i = 0; i < 200; i += 10) {
        log.append(records(i, 10));
      }
      Path partition = dir.resolve("orders-0");
      Path first = partition.resolve("00000000000000000000.index");
      assertEquals(1024, Files.size(partition.resolve(io.samsa.spi.layout.SegmentFiles.fileName(log.segments()
          .get(log.segments().size() - 1).baseOffset()) + ".index")), "the active index is preallocated");
      assertTrue(Files.size(first) < 1024 && Files.size(first) % 8 == 0, "a rolled index is trimmed: "
          + Files.size(first));
      assertTrue(Files.size(partition.resolve("00000000000000000000.timeindex")) % 12 == 0);
    }
    List<String> files = names(dir.resolve("orders-0"));
    assertTrue(files.contains("00000000000000000000.log"), files.toString());
    assertTrue(files.contains("00000000000000000000.index"), files.toString());
    assertTrue(files.contains("00000000000000000000.timeindex"), files.toString());
    assertTrue(files.contains("partition.checkpoint"), files.toString());
    assertTrue(files.contains("topic.metadata"), files.toString());
    assertTrue(files.stream().filter(f -> f.endsWith(".log")).count() > 1, "segments rolled");
    assertTrue(files.stream().filter(f -> f.endsWith(".log")).allMatch(f -> f.matches("\\d{20}\\.log")));
    assertTrue(Files.isDirectory(dir.resolve("orders-1")));
    List<String> root = names(dir);
    assertTrue(root.containsAll(List.of(".lock", ".samsa-clean-shutdown", "meta.properties")), root.toString());
    for (String f : names(dir.resolve("orders-0"))) {
      if (f.endsWith(".index")) {
        assertEquals(0, Files.size(dir.resolve("orders-0").resolve(f)) % OffsetIndexDescriptor.ENTRY_SIZE);
      }
    }
  }

  @Test
  public void offsetIndex_pointsAtBatchBoundaries_withKafkasEntryLayout() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config().toBuilder().segmentBytes(1 << 20).build());
      Log log = store.log(TP);
      for (int i = 0; i < 300; i += 3) {
        log.append(records(i, 3));
      }
    }
    Path partition = dir.resolve("orders-0");
    ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(partition.resolve("00000000000000000000.index")));
    ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(partition.resolve("00000000000000000000.log")));
    int entries = index.limit() / 8;
    assertTrue(entries > 5, "one entry per 256 bytes: " + entries);
    for (int e = 0; e < entries; e++) {
      int rel = OffsetIndexDescriptor.relativeOffset(index, e);
      int position = OffsetIndexDescriptor.position(index, e);
      assertEquals(rel, RecordBatchDescriptor.lastOffset(data, position), "entry " + e
          + " pairs a batch's last offset with the batch's position");
      assertTrue(BatchValidator.check(data, position, data.limit() - position).isEmpty());
    }
  }

  @Test
  public void transferTo_aFileChannel_copiesTheStoredBatchesByteForByte() throws IOException {
    Path target = dir.resolve("out.bin");
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      log.append(records(0, 5));
      log.append(records(5, 5));
      try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        assertEquals(log.transferTo(0, 1 << 20, out), out.size());
      }
    }
    byte[] sent = Files.readAllBytes(target);
    byte[] stored = Files.readAllBytes(dir.resolve("orders-0").resolve("00000000000000000000.log"));
    assertArrayEquals(stored, sent);
  }

  @Test
  public void corruptBatchInAClosedLog_isNeverServed() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      log.append(records(0, 5));
      log.append(records(5, 5));
    }
    Path file = dir.resolve("orders-0").resolve("00000000000000000000.log");
    byte[] bytes = Files.readAllBytes(file);
    int second = ByteBuffer.wrap(bytes).getInt(RecordBatchDescriptor.LENGTH_OFFSET) + 12;
    bytes[second + 70] ^= 0x40; // a value byte of the second batch
    Files.write(file, bytes);
    try (LogStore store = open()) {
      Log log = store.log(TP);
      ReadResult first = log.read(0, 1 << 20);
      assertEquals(5, first.size(), "the good batch before the bad one is served, the bad one is not");
      CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.read(5, 1 << 20));
      assertEquals(second, e.position());
      assertTrue(e.source().endsWith("00000000000000000000.log"), e.source());
      assertTrue(e.reason().contains("CRC"), e.reason());
      assertThrows(CorruptRecordException.class,
          () -> log.transferTo(5, 1 << 20, FileChannel.open(dir.resolve("x"), StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)));
    }
  }

  /** The CRC does not cover a batch's base offset: offsets are checked for sequence instead. */
  @Test
  public void flippedBaseOffsetInAClosedLog_isNeverServedAtShiftedOffsets() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      log.append(records(0, 5));
      log.append(records(5, 5));
      log.roll();
      log.append(records(10, 5));
    }
    Path file = dir.resolve("orders-0").resolve("00000000000000000000.log");
    for (int batch = 0; batch < 2; batch++) {
      byte[] original = Files.readAllBytes(file);
      byte[] bytes = original.clone();
      int at = batch == 0 ? 0 : ByteBuffer.wrap(bytes).getInt(RecordBatchDescriptor.LENGTH_OFFSET) + 12;
      bytes[at + 7] ^= 0x01; // the lowest bit of the batch's base offset
      Files.write(file, bytes);
      try (LogStore store = open()) {
        Log log = store.log(TP);
        for (long offset = 0; offset < 10; offset++) {
          try {
            for (LogRecord r : log.read(offset, 1 << 20)) {
              assertArrayEquals(("value-" + r.offset()).getBytes(StandardCharsets.UTF_8), r.value(),
                  "record served under offset " + r.offset());
            }
          } catch (CorruptRecordException expected) {
            assertTrue(expected.reason().contains("offset"), expected.reason());
          }
        }
        assertEquals(5, log.read(10, 1 << 20).size(), "the next segment is unaffected");
      }
      Files.write(file, original);
    }
  }

  @Test
  public void garbageIndex_isDetected_andRebuiltFromTheLog() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config().toBuilder().segmentBytes(1 << 20).build());
      Log log = store.log(TP);
      for (int i = 0; i < 300; i += 3) {
        log.append(records(i, 3));
      }
    }
    Path index = dir.resolve("orders-0").resolve("00000000000000000000.index");
    byte[] garbage = Files.readAllBytes(index);
    for (int i = 0; i < garbage.length; i += 8) {
      garbage[i + 3] = (byte) (garbage.length - i); // decreasing relative offsets
    }
    Files.write(index, garbage);
    try (LogStore store = open()) {
      Log log = store.log(TP);
      for (int i = 0; i < 300; i += 37) {
        LogRecord r = log.read(i, 100).records().get(0);
        assertEquals(i, r.offset());
        assertArrayEquals(("value-" + i).getBytes(StandardCharsets.UTF_8), r.value());
      }
    }
  }

  @Test
  public void corruptCheckpoint_fallsBackToAFullRecovery() throws IOException {
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    try (LogStore store = Samsa.builder(dir).clock(clock).scheduler(new ManualScheduler(clock)).open()) {
      store.createTopic("orders", 1, config());
      store.log(TP).append(records(0, 20));
    }
    Path checkpoint = dir.resolve("orders-0").resolve(io.samsa.spi.layout.DirectoryTopicStore.CHECKPOINT_FILE);
    Files.writeString(checkpoint, "samsa-partition-checkpoint 1\nrecovery-point 9");
    try (LogStore store = open()) {
      RecoveryReport report = store.recoveryReport();
      assertEquals(1, report.scannedPartitions(), "an unreadable checkpoint means a full scan");
      assertEquals(20, store.log(TP).logEndOffset());
    }
  }

  @Test
  public void corruptTopicMetadata_failsTheOpenNamingTheFile() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
    }
    Path meta = dir.resolve("orders-0").resolve(io.samsa.spi.layout.DirectoryTopicStore.METADATA_FILE);
    Files.writeString(meta, Files.readString(meta).replace("partitions=1", "partitions=7"));
    StorageException e = assertThrows(StorageException.class, this::open);
    assertTrue(e.getMessage().contains("topic.metadata") && e.getMessage().contains("CRC"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("orders-6")), "nothing was created");
  }

  @Test
  public void aDirectoryOfAnotherBackend_isRefused() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
    }
    Files.writeString(dir.resolve("meta.properties"), "version=1\nbackend=rocksdb\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, this::open);
    assertTrue(e.getMessage().contains("rocksdb"), e.getMessage());
  }

  @Test
  public void flushPolicyEveryAppend_forcesBeforeTheAppendReturns() {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config().toBuilder().flushPolicy(FlushPolicy.everyAppend()).build());
      Log log = store.log(TP);
      for (int i = 0; i < 5; i++) {
        log.append(records(i, 1));
        assertEquals(i + 1, log.recoveryPoint());
      }
    }
  }

  @Test
  public void flushPolicyByTime_flushesInTheBackground() {
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    ManualScheduler scheduler = new ManualScheduler(clock);
    try (LogStore store = Samsa.builder(dir).clock(clock).scheduler(scheduler).open()) {
      store.createTopic("orders", 1, config().toBuilder()
          .flushPolicy(FlushPolicy.every(Duration.ofMillis(200))).build());
      Log log = store.log(TP);
      log.append(records(0, 3));
      scheduler.runDue();
      assertEquals(0, log.recoveryPoint(), "not yet due");
      clock.advance(Duration.ofMillis(250));
      scheduler.runDue();
      assertEquals(3, log.recoveryPoint());
    }
  }

  @Test
  public void rollByAge_happensAtTheFirstAppendAfterTheSegmentAge() {
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    try (LogStore store = Samsa.builder(dir).clock(clock).scheduler(new ManualScheduler(clock)).open()) {
      store.createTopic("orders", 1, config().toBuilder().segmentAge(Duration.ofMinutes(1)).build());
      Log log = store.log(TP);
      log.append(records(0, 2));
      clock.advance(Duration.ofSeconds(59));
      log.append(records(2, 2));
      assertEquals(1, log.segments().size());
      clock.advance(Duration.ofSeconds(2));
      log.append(records(4, 2));
      assertEquals(2, log.segments().size());
      assertEquals(4, log.segments().get(1).baseOffset());
    }
  }

  @Test
  public void fullIndex_rollsTheSegment() {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config().toBuilder().segmentBytes(1 << 20).indexIntervalBytes(0)
          .segmentIndexBytes(TopicConfig.MIN_SEGMENT_INDEX_BYTES).build());
      Log log = store.log(TP);
      for (int i = 0; i < 20; i++) {
        log.append(records(i, 1));
      }
      assertTrue(log.segments().size() > 3, "a 24-byte index holds 3 entries: " + log.segments());
      assertEquals(20, log.logEndOffset());
    }
  }
}
