package io.samsa.spi.format;

import static io.samsa.spi.format.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.samsa.CorruptRecordException;
import io.samsa.ProducerRecord;
import io.samsa.UnsupportedCompressionException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class BatchValidatorTest {
  private static final List<ProducerRecord> RECORDS = List.of(
      ProducerRecord.builder().key("k1").value("first value").timestamp(1_000).header("h", "x").build(),
      ProducerRecord.builder().value("second").timestamp(900).build(),
      ProducerRecord.builder().key("k3").timestamp(1_100).header("n", (byte[]) null).build());

  private static ByteBuffer batch() {
    return Batches.encode(RECORDS, 500, 3, Batches.APPEND_TIME);
  }

  // --- intact batches -------------------------------------------------------------------------

  @Test
  void check_intactBatch_isEmpty() {
    ByteBuffer b = batch();
    assertEquals(Optional.empty(), BatchValidator.check(b, 0, b.remaining()));
    assertEquals(Optional.empty(), BatchValidator.checkFrame(b, 0, b.remaining()));
  }

  @Test
  void ensureValid_intactBatch_returnsItsSize() {
    ByteBuffer b = batch();
    assertEquals(b.remaining(), BatchValidator.ensureValid(b, 0, b.remaining(), "test", 0));
  }

  @Test
  void check_batchInsideLargerBuffer_readsOnlyItsOwnBytes() {
    ByteBuffer b = batch();
    int size = b.remaining();
    ByteBuffer buf = ByteBuffer.allocate(13 + size + 40);
    buf.position(13);
    buf.put(b.duplicate());
    // Trailing bytes after the batch are not its business.
    assertEquals(Optional.empty(), BatchValidator.check(buf, 13, size + 40));
    assertEquals(size, BatchValidator.ensureValid(buf, 13, size + 40, "test", 13));
  }

  @Test
  void check_directAndReadOnlyBuffers_computeSameCrc() {
    ByteBuffer heap = batch();
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
    direct.put(heap.duplicate()).flip();
    ByteBuffer readOnly = heap.asReadOnlyBuffer();
    assertEquals(Optional.empty(), BatchValidator.check(direct, 0, direct.remaining()));
    assertEquals(Optional.empty(), BatchValidator.check(readOnly, 0, readOnly.remaining()));
    assertEquals(RecordBatchDescriptor.computeCrc(heap, 0, heap.remaining()),
        RecordBatchDescriptor.computeCrc(direct, 0, direct.remaining()));
  }

  // --- flipped bytes --------------------------------------------------------------------------

  /** Every single-bit flip and every whole-byte flip in [attributes, end) is caught. */
  @Test
  void check_flippedBitAnywhereInCrcRange_reportsProblem() {
    ByteBuffer original = batch();
    int size = original.remaining();
    for (int at = ATTRIBUTES_OFFSET; at < size; at++) {
      for (int mask : new int[] {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff}) {
        ByteBuffer b = flipped(original, at, mask);
        Optional<String> problem = BatchValidator.check(b, 0, size);
        assertTrue(problem.isPresent(), "flip at byte " + at + " with mask 0x" + Integer.toHexString(mask)
            + " went unnoticed");
        int position = at;
        assertThrows(RuntimeException.class, () -> BatchValidator.ensureValid(b, 0, size, "test", position));
      }
    }
  }

  /**
   * A flipped byte inside the CRC-covered range is corruption, and must be reported as a CRC
   * mismatch, whatever field it lands in: until the CRC matches, the covered fields (attributes,
   * lastOffsetDelta) are garbage and must not be interpreted.
   */
  @Test
  void check_flippedByteInCrcRange_reportsCrcMismatch() {
    ByteBuffer original = batch();
    int size = original.remaining();
    List<String> misreported = new ArrayList<>();
    for (int at = ATTRIBUTES_OFFSET; at < size; at++) {
      for (int mask : new int[] {0x01, 0x02, 0x04, 0x80, 0xff}) {
        String problem = BatchValidator.check(flipped(original, at, mask), 0, size).orElse("accepted");
        if (!problem.startsWith("CRC-32C mismatch")) {
          misreported.add("byte " + at + " ^ 0x" + Integer.toHexString(mask) + " -> " + problem);
        }
      }
    }
    assertTrue(misreported.isEmpty(), () -> misreported.size() + " flips not reported as CRC mismatch: "
        + misreported);
  }

  /**
   * Bit rot in the codec bits of an intact-looking batch is corruption, not a compressed batch:
   * ensureValid must throw CorruptRecordException (which readers and recovery handle), not
   * UnsupportedCompressionException naming a codec the writer never used.
   */
  @Test
  void ensureValid_flippedCodecBit_throwsCorruptRecord() {
    ByteBuffer original = batch();
    int size = original.remaining();
    ByteBuffer b = flipped(original, ATTRIBUTES_OFFSET + 1, 0x01); // codec 0 -> 1 (gzip); CRC now wrong
    assertTrue(BatchValidator.check(b, 0, size).isPresent());
    RuntimeException e = assertThrows(RuntimeException.class, () -> BatchValidator.ensureValid(b, 0, size, "test", 0));
    assertEquals(CorruptRecordException.class, e.getClass(), () -> "threw " + e);
  }

  /** Offset, length, epoch and magic are outside the CRC by design (a leader rewrites them). */
  @Test
  void check_changedBaseOffsetOrEpoch_stillPasses() {
    ByteBuffer b = batch();
    RecordBatchDescriptor.baseOffset(b, 0, 123_456_789L);
    RecordBatchDescriptor.partitionLeaderEpoch(b, 0, 99);
    assertEquals(Optional.empty(), BatchValidator.check(b, 0, b.remaining()));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, -1, 127})
  void check_wrongMagic_reportsUnsupportedMagic(int magic) {
    ByteBuffer b = batch();
    b.put(RecordBatchDescriptor.MAGIC_OFFSET, (byte) magic);
    String problem = BatchValidator.check(b, 0, b.remaining()).orElseThrow();
    assertTrue(problem.contains("magic=" + magic), problem);
    assertThrows(CorruptRecordException.class, () -> BatchValidator.ensureValid(b, 0, b.remaining(), "t", 0));
  }

  @ParameterizedTest
  @ValueSource(bytes = {RecordBatch.MAGIC_VALUE_V0, RecordBatch.MAGIC_VALUE_V1})
  void ensureValid_kafkaLegacyMessageSet_throwsCorruptRecord(byte magic) {
    MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), magic, Compression.NONE,
        magic == 0 ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, 0L);
    builder.append(magic == 0 ? RecordBatch.NO_TIMESTAMP : 5L, "a key".getBytes(),
        "a value long enough to pass the minimum batch length".getBytes());
    ByteBuffer legacy = Batches.copy(builder.build().buffer());
    assertTrue(BatchValidator.check(legacy, 0, legacy.remaining()).isPresent());
    assertThrows(CorruptRecordException.class,
        () -> BatchValidator.ensureValid(legacy, 0, legacy.remaining(), "legacy", 0));
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 6, 7})
  void ensureValid_unknownCodecId_namesItUnknown(int codec) {
    ByteBuffer b = batch();
    b.putShort(ATTRIBUTES_OFFSET, (short) codec);
    RecordBatchDescriptor.writeCrc(b, 0, b.remaining());
    UnsupportedCompressionException e = assertThrows(UnsupportedCompressionException.class,
        () -> BatchValidator.ensureValid(b, 0, b.remaining(), "t", 0));
    assertEquals("unknown(" + codec + ")", e.codec());
  }

  @Test
  void check_negativeLastOffsetDeltaWithValidCrc_reportsIt() {
    ByteBuffer b = batch();
    b.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, -1);
    RecordBatchDescriptor.writeCrc(b, 0, b.remaining());
    String problem = BatchValidator.check(b, 0, b.remaining()).orElseThrow();
    assertTrue(problem.contains("lastOffsetDelta=-1"), problem);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 48, -1, Integer.MIN_VALUE})
  void check_lengthBelowMinimum_reportsIt(int length) {
    ByteBuffer b = batch();
    b.putInt(RecordBatchDescriptor.LENGTH_OFFSET, length);
    String problem = BatchValidator.check(b, 0, b.remaining()).orElseThrow();
    assertTrue(problem.contains("length=" + length) && problem.contains("minimum=49"), problem);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, Integer.MAX_VALUE - 11, 1 << 30})
  void check_hugeLength_reportsIncompleteWithoutReadingOrAllocating(int length) {
    ByteBuffer b = batch();
    b.putInt(RecordBatchDescriptor.LENGTH_OFFSET, length);
    String problem = BatchValidator.check(b, 0, b.remaining()).orElseThrow();
    assertTrue(problem.startsWith("incomplete batch"), problem);
  }

  // --- truncation -----------------------------------------------------------------------------

  @Test
  void check_truncatedAtEveryByte_reportsIncomplete() {
    byte[] whole = Batches.bytes(batch());
    for (int length = 0; length < whole.length; length++) {
      ByteBuffer cut = ByteBuffer.wrap(java.util.Arrays.copyOf(whole, length));
      Optional<String> problem;
      try {
        problem = BatchValidator.check(cut, 0, length);
      } catch (RuntimeException e) {
        throw new AssertionError("check threw on a batch cut to " + length + " bytes", e);
      }
      int at = length;
      assertTrue(problem.isPresent() && problem.get().startsWith("incomplete"),
          () -> "cut at " + at + ": " + problem);
      assertThrows(CorruptRecordException.class, () -> BatchValidator.ensureValid(cut, 0, at, "t", 0));
    }
  }

  @Test
  void check_availableShorterThanBuffer_reportsIncomplete() {
    ByteBuffer b = batch();
    for (int available : new int[] {0, 11, 12, 60, 61, b.remaining() - 1}) {
      String problem = BatchValidator.check(b, 0, available).orElseThrow();
      assertTrue(problem.startsWith("incomplete"), available + ": " + problem);
    }
  }

  // --- hostile bytes --------------------------------------------------------------------------

  /** Random byte strings, some dressed up with a plausible length and magic to get further in. */
  @Test
  void check_randomBytes_returnsProblemAndNeverThrows() {
    Gen<byte[]> raw = Batches.byteArrays(200).mix(Generate.byteArrays(
        integers().between(0, 80), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)));
    Gen<Boolean> plausible = org.quicktheories.generators.SourceDSL.booleans().all();
    qt().withExamples(2_000).forAll(raw, plausible).checkAssert((bytes, dress) -> {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (dress && bytes.length >= HEADER_SIZE) {
        b.putInt(RecordBatchDescriptor.LENGTH_OFFSET, bytes.length - RecordBatchDescriptor.LOG_OVERHEAD);
        b.put(RecordBatchDescriptor.MAGIC_OFFSET, RecordBatchDescriptor.MAGIC);
      }
      assertOnlyCleanOutcomes(b);
    });
  }

  /** Valid batches with 1..6 random bytes overwritten (the CRC is left as it was). */
  @Test
  void check_randomlyMutatedBatches_neverThrows() {
    ByteBuffer original = Batches.encode(RECORDS, 0);
    int size = original.remaining();
    Gen<List<Integer>> positions = lists().of(integers().between(0, size - 1)).ofSizeBetween(1, 6);
    Gen<List<Integer>> values = lists().of(integers().between(0, 255)).ofSize(6);
    qt().withExamples(2_000).forAll(positions, values).checkAssert((at, value) -> {
      ByteBuffer b = Batches.copy(original);
      for (int i = 0; i < at.size(); i++) {
        b.put(at.get(i), (byte) (int) value.get(i));
      }
      Optional<String> problem = assertOnlyCleanOutcomes(b);
      if (problem.isEmpty()) {
        // Only a change outside the CRC (offset, epoch) or no change at all can pass.
        for (int i = 0; i < at.size(); i++) {
          assertTrue(b.get(at.get(i)) == original.get(at.get(i)) || at.get(i) < RecordBatchDescriptor.MAGIC_OFFSET,
              "accepted a change at byte " + at.get(i));
        }
      }
    });
  }

  // --- helpers --------------------------------------------------------------------------------

  private static ByteBuffer flipped(ByteBuffer original, int at, int mask) {
    ByteBuffer b = Batches.copy(original);
    b.put(at, (byte) (b.get(at) ^ mask));
    return b;
  }

  /** check and ensureValid agree, and nothing but the two refusals ever escapes. */
  private static Optional<String> assertOnlyCleanOutcomes(ByteBuffer b) {
    Optional<String> problem;
    try {
      problem = BatchValidator.check(b, 0, b.limit());
      BatchValidator.checkFrame(b, 0, b.limit());
    } catch (Throwable t) {
      throw new AssertionError("check threw " + t, t);
    }
    try {
      int size = BatchValidator.ensureValid(b, 0, b.limit(), "hostile", 0);
      assertFalse(problem.isPresent(), "ensureValid accepted what check refused: " + problem);
      assertTrue(size >= HEADER_SIZE && size <= b.limit());
    } catch (CorruptRecordException | UnsupportedCompressionException e) {
      assertTrue(problem.isPresent(), "ensureValid refused what check accepted: " + e);
    } catch (Throwable t) {
      fail("ensureValid threw " + t, t);
    }
    return problem;
  }
}
