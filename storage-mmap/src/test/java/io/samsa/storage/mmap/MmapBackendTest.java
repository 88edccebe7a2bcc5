package io.samsa.storage.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.RecoveryReport;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.core.Scheduler;
import io.samsa.spi.FileIO;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.layout.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the mmap backend: preallocation, trimming, and releasing mappings. */
class MmapBackendTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);
  private static final int SEGMENT = 8192;

  @TempDir Path dir;

  private LogStore open() {
    return Samsa.builder(dir).backend("mmap").scheduler(Scheduler.disabled()).open();
  }

  private static TopicConfig config() {
    return TopicConfig.builder().segmentBytes(SEGMENT).indexIntervalBytes(256).segmentIndexBytes(4096)
        .retentionTime(TopicConfig.FOREVER).build();
  }

  private static List<ProducerRecord> records(int from, int count) {
    List<ProducerRecord> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(ProducerRecord.of("key-" + i, "value-" + i));
    }
    return list;
  }

  private Path segmentFile(long base, String suffix) {
    return dir.resolve("orders-0").resolve(SegmentFiles.fileName(base) + suffix);
  }

  /** The memory mappings of this process, as the kernel lists them. */
  private static long mappings() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.count();
    }
  }

  @Test
  void serviceLoader_findsTheMmapBackend() {
    assertTrue(Samsa.availableBackends().contains("mmap"), Samsa.availableBackends().toString());
  }

  @Test
  void activeSegmentIsPreallocated_andRollAndCloseTrimItToItsBatches() throws IOException {
    long sealedSize;
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      log.append(records(0, 10));
      assertEquals(SEGMENT, Files.size(segmentFile(0, ".log")), "preallocated to segment.bytes");
      assertEquals(4096, Files.size(segmentFile(0, ".index")), "the index too");
      log.roll();
      sealedSize = log.segments().get(0).sizeInBytes();
      assertEquals(sealedSize, Files.size(segmentFile(0, ".log")), "a roll trims the data file");
      assertTrue(Files.size(segmentFile(0, ".index")) < 4096, "and the index");
      log.append(records(10, 5));
    }
    try (LogStore store = open()) {
      long activeBatches = store.log(TP).segments().get(1).sizeInBytes();
      assertTrue(activeBatches > 0);
      assertEquals(activeBatches, Files.size(segmentFile(10, ".log")), "close trimmed the active segment");
      assertEquals(sealedSize, store.log(TP).segments().get(0).sizeInBytes());
    }
    assertEquals(0, Files.size(segmentFile(10, ".timeindex")) % 12);
    List<LogRecord> all = readAll();
    assertEquals(15, all.size());
    for (int i = 0; i < 15; i++) {
      assertArrayEquals(("value-" + i).getBytes(StandardCharsets.UTF_8), all.get(i).value());
    }
  }

  private List<LogRecord> readAll() {
    try (LogStore store = open()) {
      Log log = store.log(TP);
      List<LogRecord> all = new ArrayList<>();
      long offset = log.logStartOffset();
      while (offset < log.logEndOffset()) {
        var r = log.read(offset, 1 << 20);
        all.addAll(r.records());
        offset = r.nextOffset();
      }
      return all;
    }
  }

  @Test
  void thousandsOfSegments_openedRolledDeletedAndClosed_leaveNoMappingBehind() throws IOException {
    long before = mappings();
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      for (int i = 0; i < 3000; i++) {
        log.append(records(i, 1));
        log.roll();
        if (i % 100 == 99) {
          assertTrue(mappings() < before + 400, "mappings grew to " + mappings() + " from " + before);
          log.deleteRecordsBefore(log.logEndOffset()); // retires every sealed segment
        }
      }
      assertEquals(3000, log.logEndOffset());
    }
    try (LogStore store = open()) {
      Log log = store.log(TP);
      assertEquals(3000, log.logEndOffset());
    }
    long after = mappings();
    assertTrue(after <= before + 5, "mappings: " + before + " before, " + after + " after closing");
  }

  @Test
  void segmentLargerThanOneMapping_isRefusedWithTheLimit() {
    SegmentOptions huge = new SegmentOptions(4096, 1 << 20, 3L << 30, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MmapSegment.FILES.create(FileIO.standard(), dir, 0, huge, s -> { }));
    assertTrue(e.getMessage().contains("segment.bytes=3221225472")
        && e.getMessage().contains("2147483647"), e.getMessage());
  }

  @Test
  void recovery_findsTheEndOfDataInAPreallocatedFile_andCutsACorruptTail() throws IOException {
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      log.append(records(0, 5));
      log.append(records(5, 5));
    }
    Path file = segmentFile(0, ".log");
    byte[] batches = Files.readAllBytes(file);
    // As after a crash: the file still preallocated (zeros after the batches), no clean marker.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(1), SEGMENT - 1);
    }
    Files.delete(dir.resolve(".samsa-clean-shutdown"));
    try (LogStore store = open()) {
      RecoveryReport report = store.recoveryReport();
      assertTrue(report.isEmpty(), "zeros after the batches are not data: nothing cut, " + report);
      assertEquals(10, store.log(TP).logEndOffset());
    }
    // Now a torn second batch: a flipped byte, then zeros.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      int second = ByteBuffer.wrap(batches).getInt(8) + 12;
      ch.write(ByteBuffer.wrap(new byte[] {(byte) ~batches[second + 40]}), second + 40);
      ch.write(ByteBuffer.allocate(1), SEGMENT - 1);
    }
    Files.delete(dir.resolve(".samsa-clean-shutdown"));
    try (LogStore store = open()) {
      RecoveryReport report = store.recoveryReport();
      assertEquals(1, report.partitions().size(), report.toString());
      RecoveryReport.Cut cut = report.partitions().get(0).cuts().get(0);
      assertTrue(cut.reason().contains("CRC"), cut.reason());
      assertTrue(cut.truncatedBytes() > 0 && cut.truncatedBytes() < SEGMENT, "the cut stops at the zeros: " + cut);
      assertEquals(5, store.log(TP).logEndOffset());
      assertEquals(5, store.log(TP).append(records(5, 1)).baseOffset());
    }
  }

  @Test
  void transferTo_sendsTheMappedBatchesByteForByte() throws IOException {
    Path target = dir.resolve("out.bin");
    try (LogStore store = open()) {
      store.createTopic("orders", 1, config());
      Log log = store.log(TP);
      log.append(records(0, 5));
      log.roll();
      try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        log.transferTo(0, 1 << 20, out);
        log.transferTo(0, 1 << 20, out); // the second time from checked bytes: no copy
      }
    }
    byte[] stored = Files.readAllBytes(segmentFile(0, ".log"));
    byte[] sent = Files.readAllBytes(target);
    assertEquals(2 * stored.length, sent.length);
    assertArrayEquals(stored, java.util.Arrays.copyOf(sent, stored.length));
  }

  @Test
  void preallocatedFiles_claimDiskOnlyForWhatIsWritten() throws Exception {
    // 40 partitions, each a 64 MiB segment with two 10 MiB indexes, all preallocated: indexes
    // written out with zeros at creation took 800 MiB (the test saw 848 MB); sparse, with blocks
    // claimed as data and entries come, a few MiB.
    java.nio.file.FileStore disk = java.nio.file.Files.getFileStore(dir);
    long before = disk.getUsableSpace();
    try (LogStore store = open()) {
      store.createTopic("wide", 40, TopicConfig.builder().segmentBytes(64 << 20)
          .segmentIndexBytes(10 << 20).retentionTime(TopicConfig.FOREVER).build());
      for (int p = 0; p < 40; p++) {
        store.log(new TopicPartition("wide", p)).append(records(0, 10));
      }
      store.topic("wide").partition(0).flush();
      long used = before - disk.getUsableSpace();
      assertTrue(used < 256L << 20, "disk space taken by 40 nearly empty partitions: " + used + " bytes");
    }
  }
}
