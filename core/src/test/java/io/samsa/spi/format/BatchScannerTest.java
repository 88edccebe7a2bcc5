package io.samsa.spi.format;

import static io.samsa.spi.format.Batches.APPEND_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.samsa.ProducerRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;

/**
 * The scanner over a log of several batches:
 *
 * <pre>
 *  batch  offsets      epoch  records  max timestamp
 *  0      100..102     0      3        APPEND_TIME + 30
 *  1      103          0      1        APPEND_TIME (no timestamp given)
 *  2      104..108     2      5        APPEND_TIME + 400
 *  3      109..109     5      1        APPEND_TIME + 7   (a 100 KiB value: larger than the window)
 *  4      110..111     5      2        APPEND_TIME + 9
 * </pre>
 */
class BatchScannerTest {
  private static final long BASE = 100;

  private record Expected(long position, int size, long baseOffset, long lastOffset, long maxTimestamp,
      int epoch, int count) {}

  private final List<ByteBuffer> batches = new ArrayList<>();
  private final List<Expected> expected = new ArrayList<>();
  private final ByteBuffer log = buildLog();

  private ByteBuffer buildLog() {
    add(List.of(rec("a", 10), rec("b", 30), rec("c", 20)), 0);
    add(List.of(ProducerRecord.of("d", "no timestamp")), 0);
    List<ProducerRecord> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(rec("e" + i, i * 100));
    }
    add(five, 2);
    add(List.of(ProducerRecord.builder().key("big").value(new byte[100 * 1024]).timestamp(APPEND_TIME + 7).build()), 5);
    add(List.of(rec("f", 8), rec("g", 9)), 5);
    return Batches.concat(batches);
  }

  private void add(List<ProducerRecord> records, int epoch) {
    long position = expected.isEmpty() ? 0 : expected.get(expected.size() - 1).position()
        + expected.get(expected.size() - 1).size();
    long base = expected.isEmpty() ? BASE : expected.get(expected.size() - 1).lastOffset() + 1;
    ByteBuffer b = Batches.encode(records, base, epoch, APPEND_TIME);
    long max = Long.MIN_VALUE;
    for (ProducerRecord r : records) {
      max = Math.max(max, r.timestamp() == ProducerRecord.NO_TIMESTAMP ? APPEND_TIME : r.timestamp());
    }
    batches.add(b);
    expected.add(new Expected(position, b.remaining(), base, base + records.size() - 1, max, epoch,
        records.size()));
  }

  private static ProducerRecord rec(String key, long timestampDelta) {
    return ProducerRecord.builder().key(key).value("value of " + key).timestamp(APPEND_TIME + timestampDelta).build();
  }

  // --- next() ---------------------------------------------------------------------------------

  @Test
  void next_concatenatedBatches_visitsEachHeaderInOrder() throws IOException {
    assertScansAll(new BatchScanner(PositionalReader.of(log), 0, log.limit()));
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 100, 4096})
  void next_windowSmallerThanBatches_visitsEachHeaderInOrder(int windowBytes) throws IOException {
    assertScansAll(new BatchScanner(PositionalReader.of(log), 0, log.limit(), windowBytes));
  }

  /** Faults at the I/O primitive: a reader that hands back one byte per call. */
  @Test
  void next_readerReturningOneByteAtATime_visitsEachHeaderInOrder() throws IOException {
    PositionalReader whole = PositionalReader.of(log);
    PositionalReader trickle = (dst, position) -> {
      ByteBuffer one = dst.duplicate();
      one.limit(Math.min(dst.limit(), dst.position() + 1));
      int n = whole.read(one, position);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    };
    assertScansAll(new BatchScanner(trickle, 0, log.limit(), 100));
  }

  @Test
  void next_startAtSecondBatch_visitsTheRest() throws IOException {
    BatchScanner scan = new BatchScanner(PositionalReader.of(log), expected.get(1).position(), log.limit());
    for (int i = 1; i < expected.size(); i++) {
      assertTrue(scan.next());
      assertEquals(expected.get(i).position(), scan.position());
      assertEquals(expected.get(i).baseOffset(), scan.baseOffset());
    }
    assertFalse(scan.next());
    assertEquals(Optional.empty(), scan.problem());
  }

  @Test
  void next_emptyRange_endsCleanly() throws IOException {
    BatchScanner scan = new BatchScanner(PositionalReader.of(log), 0, 0);
    assertFalse(scan.next());
    assertEquals(Optional.empty(), scan.problem());
    assertEquals(0, scan.nextPosition());
  }

  @Test
  void next_sourceShorterThanEnd_stopsWithProblem() throws IOException {
    ByteBuffer first = batches.get(0);
    int size = first.remaining();
    BatchScanner scan = new BatchScanner(PositionalReader.of(first), 0, size + 30);
    assertTrue(scan.next());
    assertFalse(scan.next());
    assertTrue(scan.problem().isPresent());
    assertEquals(size, scan.nextPosition());
  }

  @Test
  void next_readerFails_propagatesIOException() {
    IOException boom = new IOException("disk on fire");
    BatchScanner scan = new BatchScanner((dst, position) -> {
      throw boom;
    }, 0, log.limit());
    assertSame(boom, assertThrows(IOException.class, scan::next));
  }

  @Test
  void verifyCrc_flippedByteInBigBatch_reportsMismatch() throws IOException {
    Expected big = expected.get(3);
    ByteBuffer bad = Batches.copy(log);
    int at = (int) big.position() + big.size() / 2;
    bad.put(at, (byte) (bad.get(at) ^ 0x10));
    BatchScanner scan = new BatchScanner(PositionalReader.of(bad), 0, bad.limit(), 4096);
    for (int i = 0; i < 3; i++) {
      assertTrue(scan.next());
      assertEquals(Optional.empty(), scan.verifyCrc());
    }
    assertTrue(scan.next());
    assertTrue(scan.verifyCrc().orElseThrow().startsWith("CRC-32C mismatch"));
    assertEquals(big.baseOffset(), scan.baseOffset(), "header fields stay readable after verifyCrc");
  }

  // --- recover() ------------------------------------------------------------------------------

  @Test
  void recover_intactLog_visitsEveryBatchAndReachesEnd() throws IOException {
    List<Expected> visited = new ArrayList<>();
    BatchScanner.ScanResult result = BatchScanner.recover(PositionalReader.of(log), 0, log.limit(), BASE,
        (position, size, baseOffset, lastOffset, maxTimestamp, epoch) -> visited.add(
            new Expected(position, size, baseOffset, lastOffset, maxTimestamp, epoch, -1)));
    assertEquals(new BatchScanner.ScanResult(log.limit(), 112, 5, Optional.empty()), result);
    assertEquals(withoutCounts(expected), visited);
  }

  @Test
  void recover_tornTailAtEveryByteOfLastBatch_cutsAtItsStart() throws IOException {
    Expected last = expected.get(expected.size() - 1);
    for (long end = last.position() + 1; end < last.position() + last.size(); end++) {
      ByteBuffer torn = Batches.copy(log).limit((int) end);
      BatchScanner.ScanResult result = recover(torn, BASE);
      long at = end;
      assertEquals(last.position(), result.validEnd(), () -> "torn at " + at);
      assertEquals(last.baseOffset(), result.nextOffset());
      assertEquals(expected.size() - 1, result.batches());
      assertTrue(result.problem().isPresent());
    }
  }

  @Test
  void recover_tornInsideFirstBatch_keepsNothing() throws IOException {
    for (int end : new int[] {1, 11, 12, 60, 61, expected.get(0).size() - 1}) {
      BatchScanner.ScanResult result = recover(Batches.copy(log).limit(end), BASE);
      assertEquals(0, result.validEnd());
      assertEquals(BASE, result.nextOffset());
      assertEquals(0, result.batches());
      assertTrue(result.problem().isPresent(), "torn at " + end);
    }
  }

  @Test
  void recover_cutExactlyBetweenBatches_isClean() throws IOException {
    Expected third = expected.get(2);
    long end = third.position() + third.size();
    BatchScanner.ScanResult result = recover(Batches.copy(log).limit((int) end), BASE);
    assertEquals(new BatchScanner.ScanResult(end, third.lastOffset() + 1, 3, Optional.empty()), result);
  }

  /** A preallocated (mmap) segment: zeros after the last batch. */
  @Test
  void recover_zerosAfterLastBatch_stopsAtTheZeros() throws IOException {
    ByteBuffer padded = Batches.concat(List.of(log, ByteBuffer.allocate(4096)));
    BatchScanner.ScanResult result = recover(padded, BASE);
    assertEquals(log.limit(), result.validEnd());
    assertEquals(112, result.nextOffset());
    assertTrue(result.problem().orElseThrow().contains("length"), result.problem()::toString);
  }

  @Test
  void recover_flippedByteInRecordsOfMiddleBatch_cutsAtThatBatch() throws IOException {
    Expected middle = expected.get(2);
    ByteBuffer bad = Batches.copy(log);
    int at = (int) middle.position() + RecordBatchDescriptor.HEADER_SIZE + 3;
    bad.put(at, (byte) (bad.get(at) ^ 0xff));
    BatchScanner.ScanResult result = recover(bad, BASE);
    assertEquals(middle.position(), result.validEnd());
    assertEquals(middle.baseOffset(), result.nextOffset());
    assertEquals(2, result.batches());
    assertTrue(result.problem().orElseThrow().startsWith("CRC-32C mismatch"), result.problem()::toString);
  }

  /** Wherever the flip lands in the covered range of the middle batch, recovery cuts there. */
  @Test
  void recover_flippedByteAnywhereInCrcRangeOfMiddleBatch_cutsAtThatBatch() throws IOException {
    Expected middle = expected.get(2);
    for (int offset = RecordBatchDescriptor.ATTRIBUTES_OFFSET; offset < middle.size(); offset++) {
      ByteBuffer bad = Batches.copy(log);
      int at = (int) middle.position() + offset;
      bad.put(at, (byte) (bad.get(at) ^ 0xff));
      BatchScanner.ScanResult result = recover(bad, BASE);
      int o = offset;
      assertEquals(middle.position(), result.validEnd(), () -> "flip at batch byte " + o);
      assertEquals(middle.baseOffset(), result.nextOffset(), () -> "flip at batch byte " + o);
      assertTrue(result.problem().isPresent());
    }
  }

  @Test
  void recover_flippedByteInBatchLargerThanWindow_cutsAtThatBatch() throws IOException {
    Expected big = expected.get(3);
    ByteBuffer bad = Batches.copy(log);
    int at = (int) (big.position() + big.size() - 1); // the very last byte, in the last window chunk
    bad.put(at, (byte) (bad.get(at) ^ 0x01));
    BatchScanner.ScanResult result = recover(bad, BASE);
    assertEquals(big.position(), result.validEnd());
    assertEquals(big.baseOffset(), result.nextOffset());
    assertTrue(result.problem().orElseThrow().startsWith("CRC-32C mismatch"));
  }

  @Test
  void recover_gapInOffsets_cutsAtOutOfSequenceBatch() throws IOException {
    Expected fourth = expected.get(3);
    ByteBuffer bad = Batches.copy(log);
    RecordBatchDescriptor.baseOffset(bad, (int) fourth.position(), fourth.baseOffset() + 1);
    BatchScanner.ScanResult result = recover(bad, BASE);
    assertEquals(fourth.position(), result.validEnd());
    assertEquals(fourth.baseOffset(), result.nextOffset());
    assertEquals(3, result.batches());
    assertTrue(result.problem().orElseThrow().contains("out of sequence"), result.problem()::toString);
  }

  @Test
  void recover_overlappingOffsets_cutsAtOutOfSequenceBatch() throws IOException {
    Expected second = expected.get(1);
    ByteBuffer bad = Batches.copy(log);
    RecordBatchDescriptor.baseOffset(bad, (int) second.position(), BASE);
    BatchScanner.ScanResult result = recover(bad, BASE);
    assertEquals(second.position(), result.validEnd());
    assertEquals(second.baseOffset(), result.nextOffset());
    assertTrue(result.problem().orElseThrow().contains("baseOffset=" + BASE));
  }

  @Test
  void recover_firstBatchNotAtExpectedOffset_keepsNothing() throws IOException {
    BatchScanner.ScanResult result = recover(log, BASE + 1);
    assertEquals(0, result.validEnd());
    assertEquals(BASE + 1, result.nextOffset());
    assertEquals(0, result.batches());
    assertTrue(result.problem().orElseThrow().contains("expected=" + (BASE + 1)));
  }

  @Test
  void recover_leaderEpochGoingBack_cutsThere() throws IOException {
    Expected last = expected.get(4);
    ByteBuffer bad = Batches.copy(log);
    RecordBatchDescriptor.partitionLeaderEpoch(bad, (int) last.position(), 1);
    BatchScanner.ScanResult result = recover(bad, BASE);
    assertEquals(last.position(), result.validEnd());
    assertEquals(last.baseOffset(), result.nextOffset());
    assertTrue(result.problem().orElseThrow().contains("epoch"), result.problem()::toString);
  }

  @Test
  void recover_fromMiddlePosition_startsWithThatBatchsOffset() throws IOException {
    Expected third = expected.get(2);
    BatchScanner.ScanResult result = BatchScanner.recover(PositionalReader.of(log), third.position(),
        log.limit(), third.baseOffset(), (p, s, b, l, m, e) -> { });
    assertEquals(new BatchScanner.ScanResult(log.limit(), 112, 3, Optional.empty()), result);
  }

  @Test
  void recover_lastOffsetTooFarFromSegmentBase_cutsThere() throws IOException {
    ByteBuffer b = Batches.encode(List.of(ProducerRecord.of("k", "v")), 0);
    b.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, Integer.MAX_VALUE);
    RecordBatchDescriptor.writeCrc(b, 0, b.remaining());
    ByteBuffer two = Batches.concat(List.of(Batches.encode(List.of(ProducerRecord.of("k", "v")), 0), b));
    RecordBatchDescriptor.baseOffset(two, b.remaining(), 1);
    BatchScanner.ScanResult result = recover(two, 0);
    assertEquals(b.remaining(), result.validEnd());
    assertEquals(1, result.nextOffset());
    assertTrue(result.problem().orElseThrow().contains("too far"), result.problem()::toString);
  }

  @Test
  void recover_visitorThrows_propagates() {
    IOException boom = new IOException("index full");
    assertSame(boom, assertThrows(IOException.class, () -> BatchScanner.recover(PositionalReader.of(log), 0,
        log.limit(), BASE, (p, s, b, l, m, e) -> {
          throw boom;
        })));
  }

  // --- random logs ----------------------------------------------------------------------------

  /**
   * Random logs of 1..5 random batches, cut at a random byte and, half the time, with one byte
   * inverted inside a random batch's CRC-covered range: recovery keeps exactly the whole, intact
   * batches before the first damage.
   */
  @Test
  void recover_randomLogCutAndFlipped_keepsExactlyTheIntactPrefix() {
    Gen<List<List<ProducerRecord>>> logs = lists().of(Batches.recordLists(true, false)).ofSizeBetween(1, 5);
    Gen<Integer> fractions = integers().between(0, 1000);
    qt().withExamples(300).forAll(logs, fractions, fractions, integers().between(-1, 4))
        .checkAssert((batchRecords, cutPerMille, flipPerMille, flipBatch) -> {
          List<ByteBuffer> parts = new ArrayList<>();
          List<Long> starts = new ArrayList<>();
          List<Long> nextOffsets = new ArrayList<>();
          long position = 0;
          long offset = BASE;
          for (int i = 0; i < batchRecords.size(); i++) {
            ByteBuffer b = Batches.encode(batchRecords.get(i), offset, i, APPEND_TIME);
            parts.add(b);
            starts.add(position);
            position += b.remaining();
            offset += batchRecords.get(i).size();
            nextOffsets.add(offset);
          }
          ByteBuffer bytes = Batches.concat(parts);
          int total = bytes.limit();
          int cut = (int) ((long) total * cutPerMille / 1000);
          bytes.limit(cut);

          // Damage: the first batch not wholly before the cut, or an earlier flipped one.
          int damaged = 0;
          while (damaged < parts.size() && starts.get(damaged) + parts.get(damaged).remaining() <= cut) {
            damaged++;
          }
          if (flipBatch >= 0 && flipBatch < parts.size()) {
            int size = parts.get(flipBatch).remaining();
            int within = RecordBatchDescriptor.ATTRIBUTES_OFFSET
                + (int) ((long) (size - RecordBatchDescriptor.ATTRIBUTES_OFFSET - 1) * flipPerMille / 1000);
            int at = (int) (starts.get(flipBatch) + within);
            if (at < cut) {
              bytes.put(at, (byte) ~bytes.get(at));
              damaged = Math.min(damaged, flipBatch);
            }
          }
          BatchScanner.ScanResult result;
          try {
            result = recover(bytes, BASE);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          long validEnd = damaged == 0 ? 0 : starts.get(damaged - 1) + parts.get(damaged - 1).remaining();
          long nextOffset = damaged == 0 ? BASE : nextOffsets.get(damaged - 1);
          assertEquals(validEnd, result.validEnd(), "validEnd");
          assertEquals(nextOffset, result.nextOffset(), "nextOffset");
          assertEquals(damaged, result.batches(), "batches");
          assertEquals(validEnd != cut, result.problem().isPresent(), () -> "problem: " + result.problem());
        });
  }

  // --- helpers --------------------------------------------------------------------------------

  // --- locate() -------------------------------------------------------------------------------

  @Test
  void locate_indexEntryPointingInsideABatch_returnsNullSoTheCallerScansFromTheStart() throws IOException {
    // A damaged index entry whose position stays sane (increasing, below the size) but lands
    // inside batch 2: no batch starts there, so the entry is not to be believed.
    Expected third = expected.get(2);
    BatchScanner.Range r = BatchScanner.locate(PositionalReader.of(log), "log", third.position() + 5,
        third.lastOffset(), BASE, log.limit(), third.baseOffset(), Long.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(null, r);
  }

  @Test
  void locate_outOfSequenceBatchAfterTheFirst_endsTheRangeBeforeIt() throws IOException {
    Expected fourth = expected.get(3);
    ByteBuffer bad = Batches.copy(log);
    RecordBatchDescriptor.baseOffset(bad, (int) fourth.position(), fourth.baseOffset() + 7);
    BatchScanner.Range r = BatchScanner.locate(PositionalReader.of(bad), "log", 0, -1, BASE, bad.limit(),
        BASE, Long.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(new BatchScanner.Range(0, (int) fourth.position()), r, "the good batches before it");
    io.samsa.CorruptRecordException e = assertThrows(io.samsa.CorruptRecordException.class,
        () -> BatchScanner.locate(PositionalReader.of(bad), "log", 0, -1, BASE, bad.limit(),
            fourth.baseOffset(), Long.MAX_VALUE, Integer.MAX_VALUE));
    assertEquals(fourth.position(), e.position());
  }

  @Test
  void locate_fromTheStartWithADamagedLastOffsetDelta_throwsCorruptNeverReturnsNull() {
    // The CRC is not checked here; a first batch whose last offset went negative must still give
    // a scan from the start an answer (null would mean "the index entry was wrong").
    ByteBuffer bad = Batches.copy(log);
    bad.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, -(int) BASE - 5);
    io.samsa.CorruptRecordException e = assertThrows(io.samsa.CorruptRecordException.class,
        () -> BatchScanner.locate(PositionalReader.of(bad), "log", 0, -1, BASE, bad.limit(), BASE,
            Long.MAX_VALUE, Integer.MAX_VALUE));
    assertEquals(expected.get(1).position(), e.position());
  }

  @Test
  void locateIfFirst_theBatchAtTheEntryHoldsTheOffset_isFoundThere() throws IOException {
    Expected third = expected.get(2);
    for (long offset = third.baseOffset(); offset <= third.lastOffset(); offset++) {
      BatchScanner.Range r = BatchScanner.locateIfFirst(PositionalReader.of(log), "log",
          third.position(), third.lastOffset(), log.limit(), offset, Long.MAX_VALUE, 1);
      assertEquals(new BatchScanner.Range(third.position(),
          (int) (expected.get(3).position() - third.position())), r, "offset " + offset);
    }
  }

  @Test
  void locateIfFirst_theOffsetLiesInAnEarlierBatch_orNoBatchStartsThere_returnsNull() throws IOException {
    Expected second = expected.get(1);
    Expected third = expected.get(2);
    PositionalReader source = PositionalReader.of(log);
    assertEquals(null, BatchScanner.locateIfFirst(source, "log", third.position(), third.lastOffset(),
        log.limit(), second.lastOffset(), Long.MAX_VALUE, Integer.MAX_VALUE), "in the batch before");
    assertEquals(null, BatchScanner.locateIfFirst(source, "log", third.position() + 5,
        third.lastOffset(), log.limit(), third.baseOffset(), Long.MAX_VALUE, Integer.MAX_VALUE),
        "an entry pointing inside a batch");
    assertEquals(null, BatchScanner.locateIfFirst(source, "log", third.position(),
        third.lastOffset(), third.position(), third.baseOffset(), Long.MAX_VALUE, Integer.MAX_VALUE),
        "a batch at or past the limit is not there yet");
  }

  private void assertScansAll(BatchScanner scan) throws IOException {
    assertEquals(0, scan.nextPosition());
    for (Expected e : expected) {
      assertTrue(scan.next(), () -> "batch at " + e.position() + ": " + scan.problem());
      assertEquals(e, new Expected(scan.position(), scan.size(), scan.baseOffset(), scan.lastOffset(),
          scan.maxTimestamp(), scan.partitionLeaderEpoch(), scan.recordsCount()));
      assertEquals(e.position() + e.size(), scan.nextPosition());
      assertEquals(Optional.empty(), scan.verifyCrc(), () -> "CRC of batch at " + e.position());
      // verifyCrc moves the window; the header must still be the current batch's.
      assertEquals(e.baseOffset(), scan.baseOffset());
      assertEquals(e.count(), scan.recordsCount());
    }
    assertFalse(scan.next());
    assertEquals(Optional.empty(), scan.problem());
    assertEquals(log.limit(), scan.nextPosition());
  }

  private static BatchScanner.ScanResult recover(ByteBuffer bytes, long expectedBaseOffset) throws IOException {
    return BatchScanner.recover(PositionalReader.of(bytes), 0, bytes.limit(), expectedBaseOffset,
        (p, s, b, l, m, e) -> { });
  }

  private static List<Expected> withoutCounts(List<Expected> list) {
    List<Expected> out = new ArrayList<>();
    for (Expected e : list) {
      out.add(new Expected(e.position(), e.size(), e.baseOffset(), e.lastOffset(), e.maxTimestamp(), e.epoch(), -1));
    }
    return out;
  }
}
