package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.CorruptRecordException;
import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ReadResult;
import io.samsa.RecoveryReport;
import io.samsa.TopicPartition;
import io.samsa.spi.format.OffsetIndexDescriptor;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.SamsaException;
import io.samsa.spi.format.TimeIndexDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.OptionalLong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The damage {@link CorruptionAtRestTest} found mishandled, each made by hand, so that the fixes
 * stay fixed (see the report of each test for the bug).
 */
class CorruptionRegressionTest {
  static final TopicPartition TP = new TopicPartition(GoldenStore.TOPIC, 0);

  @TempDir Path tmp;

  private GoldenStore golden(String backend) {
    return GoldenStore.write(tmp.resolve("golden"), backend, 1, 99, 200 * 1024, CorruptionAtRestTest.CONFIG);
  }

  /** The data file of the last segment, and its last batch. */
  private static Map.Entry<String, List<GoldenStore.Batch>> lastSegment(GoldenStore g) {
    Map.Entry<String, List<GoldenStore.Batch>> last = null;
    for (Map.Entry<String, List<GoldenStore.Batch>> e : g.batches.entrySet()) {
      if (!e.getValue().isEmpty()) {
        last = e;
      }
    }
    return last;
  }

  private static void write(Path store, String file, byte[] bytes) throws Exception {
    Files.write(store.resolve(file), bytes);
  }

  /**
   * Was: after a clean shutdown the log end is found by walking the last batches' headers without
   * their CRC, so a damaged {@code lastOffsetDelta} there set the log end (to 9,699,630 in the
   * run that found it: millions of offsets that were never written). Now the end is checked
   * against the checkpoint of the clean shutdown, and the tail is recovered when they differ.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap"})
  void open_cleanShutdownWithDamagedLastOffsetDeltaInTheTail_cutsThatBatchAndReportsIt(String backend)
      throws Exception {
    GoldenStore g = golden(backend);
    Map.Entry<String, List<GoldenStore.Batch>> seg = lastSegment(g);
    GoldenStore.Batch last = seg.getValue().get(seg.getValue().size() - 1);
    Path work = tmp.resolve("work");
    g.restoreInto(work);
    byte[] bytes = g.files.get(seg.getKey()).clone();
    bytes[(int) last.position() + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET + 1] ^= 0x40; // +4M offsets
    write(work, seg.getKey(), bytes);
    try (LogStore store = g.open(work)) {
      Log log = store.log(TP);
      assertEquals(last.baseOffset(), log.logEndOffset(), "the damaged batch is cut, nothing before it");
      RecoveryReport.PartitionRecovery pr = store.recoveryReport().partitions().get(0);
      RecoveryReport.Cut cut = pr.cuts().get(0);
      assertTrue(cut.source().endsWith(seg.getKey()), cut.toString());
      assertEquals(last.position(), cut.position(), "the cut is at the damaged batch");
      StoreChecks.verify(log, 0, g.model);
      assertEquals(last.baseOffset(), log.append(g.model.records(0, last.baseOffset(), 1)).baseOffset());
    }
  }

  /**
   * Was: an offset index entry whose position was damaged but stayed sane (increasing, inside the
   * file) pointed into the middle of a batch; the read found no batch there and reported intact
   * data as corrupt ("no batch holds offset ... the segment ends early"). Now an entry with no
   * batch at its position is not believed and the segment is scanned from its start.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap"})
  void read_offsetIndexEntryPointingInsideABatch_stillReadsEveryRecord(String backend) throws Exception {
    GoldenStore g = golden(backend);
    Path work = tmp.resolve("work");
    int damaged = 0;
    for (Map.Entry<String, byte[]> e : g.files.entrySet()) {
      if (!e.getKey().endsWith(".index") || e.getValue().length < 3 * OffsetIndexDescriptor.ENTRY_SIZE) {
        continue;
      }
      g.restoreInto(work);
      ByteBuffer index = ByteBuffer.wrap(e.getValue().clone());
      int entry = 1;
      int position = OffsetIndexDescriptor.position(index, entry);
      OffsetIndexDescriptor.put(index, entry, OffsetIndexDescriptor.relativeOffset(index, entry), position + 1);
      write(work, e.getKey(), index.array());
      try (LogStore store = g.open(work)) {
        StoreChecks.verify(store.log(TP), 0, g.model);
      }
      damaged++;
    }
    assertTrue(damaged > 0, "the golden store has indexes with entries to damage");
  }

  /**
   * Was: a damaged {@code lastOffsetDelta} that made a segment's first batch end below its base
   * (the field is under the CRC, which finding a read's range does not check) made the scan from
   * the segment start return "no answer", and the read died with a NullPointerException. Now it
   * is a CorruptRecordException naming the file.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap"})
  void read_segmentsFirstBatchEndsBelowItsBase_throwsCorruptRecordNamingTheFile(String backend) throws Exception {
    GoldenStore g = golden(backend);
    String file = g.batches.keySet().iterator().next();
    GoldenStore.Batch first = g.batches.get(file).get(0);
    Path work = tmp.resolve("work");
    g.restoreInto(work);
    byte[] bytes = g.files.get(file).clone();
    bytes[(int) first.position() + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET] ^= (byte) 0xdf;
    write(work, file, bytes);
    try (LogStore store = g.open(work)) {
      Log log = store.log(TP);
      CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.read(first.baseOffset(), 1));
      assertTrue(e.source().endsWith(file), e.getMessage());
    }
  }

  /**
   * Was: a batch whose base offset was damaged failed every read whose range reached it, even one
   * that started at an intact earlier batch. Now the range ends before it: the earlier batches
   * are served, and only a read that starts at the damaged batch fails.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap"})
  void read_damagedBaseOffsetLaterInTheRange_servesTheBatchesBeforeIt(String backend) throws Exception {
    GoldenStore g = golden(backend);
    String file = g.batches.entrySet().stream().filter(e -> e.getValue().size() >= 4).findFirst()
        .orElseThrow().getKey();
    GoldenStore.Batch third = g.batches.get(file).get(2);
    GoldenStore.Batch first = g.batches.get(file).get(0);
    Path work = tmp.resolve("work");
    g.restoreInto(work);
    byte[] bytes = g.files.get(file).clone();
    bytes[(int) third.position() + 7] ^= 0x01; // base offset + or - 1
    write(work, file, bytes);
    try (LogStore store = g.open(work)) {
      Log log = store.log(TP);
      ReadResult r = log.read(first.baseOffset(), 1 << 20);
      assertEquals(third.baseOffset(), r.nextOffset(), "everything before the damaged batch, and no more");
      for (LogRecord rec : r) {
        assertTrue(g.model.matches(0, rec), g.model.describeMismatch(0, rec));
      }
      assertThrows(CorruptRecordException.class, () -> log.read(third.baseOffset(), 1 << 20));
    }
  }

  /**
   * Was: a clean close of the RocksDB backend left every record in RocksDB's write-ahead log, which
   * the next open replays only up to a damaged record (point-in-time recovery), silently dropping
   * the rest: a flipped byte in the log lost acknowledged, flushed records without a word (60 of
   * one partition's in the run that found it). Now a clean close flushes to SST files, whose
   * blocks carry checksums: the log is empty, and a damaged SST byte is refused.
   */
  @org.junit.jupiter.api.Test
  void close_rocksdb_leavesTheWriteAheadLogEmpty_soDamageIsRefusedNotReplayedAway() throws Exception {
    GoldenStore g = GoldenStore.write(tmp.resolve("golden"), "rocksdb", 1, 98, 100 * 1024,
        CorruptionAtRestTest.CONFIG);
    for (Map.Entry<String, byte[]> e : g.files.entrySet()) {
      if (e.getKey().startsWith("rocksdb/") && e.getKey().endsWith(".log")) {
        assertEquals(0, e.getValue().length, "a clean close left records in the write-ahead log " + e.getKey());
      }
    }
    String sst = g.files.entrySet().stream().filter(e -> e.getKey().endsWith(".sst"))
        .max(Map.Entry.comparingByValue(java.util.Comparator.comparingInt(b -> b.length))).orElseThrow().getKey();
    Path work = tmp.resolve("work");
    g.restoreInto(work);
    byte[] bytes = g.files.get(sst).clone();
    bytes[bytes.length / 3] ^= 0x10;
    write(work, sst, bytes);
    try (LogStore store = g.open(work)) {
      Log log = store.log(TP);
      assertEquals(g.ends[0], log.logEndOffset(), "the log end is kept (it is not in the damaged block)");
      assertThrows(io.samsa.SamsaException.class, () -> StoreChecks.verify(log, 0, g.model),
          "the damaged block is refused on read");
    } catch (io.samsa.StorageException refusedAtOpen) {
      assertTrue(refusedAtOpen.getMessage().contains("rocksdb"), refusedAtOpen.getMessage());
    }
  }

  /**
   * Was: a time index entry was trusted as read, so one whose timestamp was lowered on disk (still
   * increasing, so it passed the sanity check at load) sent {@code offsetForTimestamp} past the
   * first matching record. Now a lookup checks the entry it uses against the batch it names (that
   * batch ends at the entry's offset and reached the entry's timestamp) and scans from the
   * segment start if they disagree.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap"})
  void offsetForTimestamp_timeIndexEntryLoweredOnDisk_answersAsWritten(String backend) throws Exception {
    GoldenStore g = GoldenStore.write(tmp.resolve("golden"), backend, 1, 11, 200 * 1024,
        CorruptionAtRestTest.CONFIG);
    Path work = tmp.resolve("work");
    List<String> wrong = new ArrayList<>();
    int damaged = 0;
    for (Map.Entry<String, byte[]> e : g.files.entrySet()) {
      if (!e.getKey().endsWith(".timeindex") || e.getValue().length < 3 * TimeIndexDescriptor.ENTRY_SIZE) {
        continue;
      }
      ByteBuffer entries = ByteBuffer.wrap(e.getValue());
      int k = entries.limit() / TimeIndexDescriptor.ENTRY_SIZE / 2;
      long previous = TimeIndexDescriptor.timestamp(entries, k - 1);
      long original = TimeIndexDescriptor.timestamp(entries, k);
      g.restoreInto(work);
      ByteBuffer lowered = ByteBuffer.wrap(e.getValue().clone());
      TimeIndexDescriptor.put(lowered, k, previous + 1, TimeIndexDescriptor.relativeOffset(entries, k));
      Files.write(work.resolve(e.getKey()), lowered.array());
      damaged++;
      try (LogStore store = g.open(work)) {
        Log log = store.log(TP);
        for (long t = previous + 1; t <= original; t++) {
          OptionalLong got = log.offsetForTimestamp(t);
          OptionalLong want = first(g.timestamps[0], t);
          if (!want.equals(got)) {
            wrong.add(e.getKey() + " entry " + k + ": offsetForTimestamp(" + t + ")=" + got + ", written: " + want);
          }
        }
      }
    }
    assertTrue(damaged > 0, "the golden store has no time index with three entries: nothing was tested");
    assertTrue(wrong.isEmpty(), "wrong answers after one time index entry was lowered: " + wrong);
  }

  private static OptionalLong first(long[] timestamps, long target) {
    for (int o = 0; o < timestamps.length; o++) {
      if (timestamps[o] >= target) {
        return OptionalLong.of(o);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * What can and cannot be checked of a partition leader epoch. Kafka's format leaves it out of
   * the CRC-32C (a leader stamps it without recomputing the checksum), so no checksum finds a
   * damaged one. The one rule the log itself gives is that epochs never decrease along it, and
   * recovery applies it: a lowered epoch is cut at its batch; a raised one makes the next batch
   * look lowered, and is cut there (the raised batch itself is kept: its records are intact).
   * What stays undetectable by the format: a raised epoch on a log's last batch, and any epoch
   * damage in a log opened after a clean shutdown (nothing is scanned). Records read back are never
   * affected: the epoch is not part of a record.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap"})
  void recover_leaderEpochFlipped_isCutOnlyWhereEpochsGoBack(String backend) throws Exception {
    GoldenStore g = GoldenStore.write(tmp.resolve("golden"), backend, 1, 12, 100 * 1024,
        CorruptionAtRestTest.CONFIG);
    Map.Entry<String, List<GoldenStore.Batch>> segment = g.batches.entrySet().stream()
        .filter(e -> e.getValue().size() >= 3).findFirst().orElseThrow();
    String file = segment.getKey();
    GoldenStore.Batch second = segment.getValue().get(1);
    GoldenStore.Batch third = segment.getValue().get(2);
    int epochAt = (int) second.position() + RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
    assertEquals(-1, ByteBuffer.wrap(g.files.get(file)).getInt(epochAt), "the golden store has no epochs");
    // -1 ^ 0x04 in the low byte = -5: lowered, so cut at the batch itself.
    // -1 ^ 0x80 in the high byte = Integer.MAX_VALUE: raised, so cut at the batch after it.
    int[][] cases = {{3, 0x04}, {0, 0x80}};
    for (int[] c : cases) {
      Path work = tmp.resolve("work-" + c[0]);
      g.restoreInto(work);
      byte[] bytes = g.files.get(file).clone();
      bytes[epochAt + c[0]] ^= (byte) c[1];
      write(work, file, bytes);
      Files.delete(work.resolve(".samsa-clean-shutdown"));
      Files.deleteIfExists(work.resolve(GoldenStore.TOPIC + "-0").resolve("partition.checkpoint"));
      boolean lowered = c[0] == 3;
      GoldenStore.Batch cutAt = lowered ? second : third;
      try (LogStore store = g.open(work)) {
        Log log = store.log(TP);
        assertEquals(cutAt.baseOffset(), log.logEndOffset(), (lowered ? "lowered" : "raised")
            + " epoch: recovery cuts where the epochs go back");
        RecoveryReport.Cut cut = store.recoveryReport().partitions().get(0).cuts().get(0);
        assertEquals(cutAt.position(), cut.position(), "the cut's position: " + cut);
        assertTrue(cut.source().endsWith(Path.of(file).getFileName().toString())
            && cut.reason().toLowerCase(java.util.Locale.ROOT).contains("epoch"), "the cut names the file "
            + "and the epoch: " + cut);
        for (LogRecord rec : StoreChecks.readAll(log, 1 << 20)) {
          assertTrue(g.model.matches(0, rec), g.model.describeMismatch(0, rec));
        }
      }
    }
  }

  /**
   * Was: {@code meta.properties} had no checksum, and a damaged one was reported as a real
   * setting ("created by backend 'fild'"), naming neither the file nor the damage. Now it carries
   * a CRC-32C line, and a damaged one is refused naming the file.
   */
  @ParameterizedTest
  @ValueSource(strings = {"backend=fild", "version=3"})
  void open_damagedMetaProperties_refusesNamingTheFileAndTheDamage(String damage) throws Exception {
    GoldenStore g = GoldenStore.write(tmp.resolve("golden"), "file", 1, 13, 4 * 1024,
        CorruptionAtRestTest.CONFIG);
    Path work = tmp.resolve("work");
    g.restoreInto(work);
    Path meta = work.resolve("meta.properties");
    String text = Files.readString(meta, StandardCharsets.UTF_8);
    String key = damage.substring(0, damage.indexOf('='));
    String damaged = text.replaceAll("(?m)^" + key + "=.*$", damage);
    assertTrue(!damaged.equals(text), "nothing was damaged: " + text);
    Files.writeString(meta, damaged, StandardCharsets.UTF_8);
    SamsaException e = assertThrows(SamsaException.class, () -> g.open(work).close());
    assertTrue(e.getMessage().contains(meta.toString()) && e.getMessage().contains("checksum mismatch"),
        "the message names the damaged file and the damage: " + e.getMessage());
  }

  /**
   * Was: RocksDB reads its MANIFEST tolerating a torn tail, so a damaged record length made it
   * stop reading there without an error, dropping the records that added the SST files and
   * column families; the backend created the missing column families empty and the store opened
   * with no topic at all. Now a clean close records each partition's log end in the clean-shutdown
   * marker, outside the backend, and an open that finds less refuses, naming the partition.
   * Every byte of the MANIFEST is damaged in turn.
   */
  @Test
  void open_rocksdbManifestDamaged_refusesOrLosesNothing() throws Exception {
    GoldenStore g = GoldenStore.write(tmp.resolve("golden"), "rocksdb", 2, 14, 150 * 1024,
        CorruptionAtRestTest.CONFIG);
    String manifest = g.files.keySet().stream().filter(f -> f.contains("MANIFEST")).findFirst().orElseThrow();
    byte[] original = g.files.get(manifest);
    Path work = tmp.resolve("work");
    List<String> silent = new ArrayList<>();
    int refused = 0;
    for (int at = 0; at < original.length; at++) {
      g.restoreInto(work);
      byte[] bytes = original.clone();
      bytes[at] ^= (byte) 0xdf;
      Files.write(work.resolve(manifest), bytes);
      try (LogStore store = g.open(work)) {
        for (int p = 0; p < g.partitions; p++) {
          long end = store.topics().contains(GoldenStore.TOPIC)
              ? store.log(new TopicPartition(GoldenStore.TOPIC, p)).logEndOffset() : -1;
          if (end != g.ends[p] && store.recoveryReport().isEmpty()) {
            silent.add("byte " + at + ": partition " + p + " log end " + end + " of " + g.ends[p]);
          }
        }
      } catch (SamsaException e) {
        refused++; // refusing to open is a fine answer
      }
    }
    assertTrue(silent.isEmpty(), "a damaged MANIFEST lost records without a word: " + silent);
    assertTrue(refused > 0, "no damaged MANIFEST byte was refused: the test damaged nothing that matters");
  }
}
