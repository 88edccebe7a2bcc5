package io.samsa.spi.format;

import static io.samsa.spi.format.Batches.APPEND_TIME;
import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.samsa.CorruptRecordException;
import io.samsa.LogRecord;
import io.samsa.ProducerRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class RecordBatchDecoderTest {
  private static final byte[] K = "k".getBytes(UTF_8);
  private static final byte[] V = "v".getBytes(UTF_8);

  private static final List<ProducerRecord> RECORDS = List.of(
      ProducerRecord.builder().key("a").value("1").timestamp(APPEND_TIME + 30).header("h", "x").build(),
      ProducerRecord.builder().key("b").value("2").timestamp(APPEND_TIME + 10).build(),
      ProducerRecord.builder().key("c").value("3").timestamp(APPEND_TIME + 20).header("n", (byte[]) null).build(),
      ProducerRecord.builder().key("d").timestamp(APPEND_TIME + 40).build());

  // --- reading --------------------------------------------------------------------------------

  @Test
  void decode_encodedRecords_returnsThemWithOffsetsAndTimestamps() {
    assertEquals(Batches.expected(RECORDS, 70, APPEND_TIME), Batches.decode(Batches.encode(RECORDS, 70)));
  }

  @Test
  void decode_minOffsetInsideBatch_skipsRecordsBelowIt() {
    List<LogRecord> out = new ArrayList<>();
    RecordBatchDecoder.decode(Batches.encode(RECORDS, 70), 0, 72, out, "t", 0);
    assertEquals(Batches.expected(RECORDS, 70, APPEND_TIME).subList(2, 4), out);
  }

  @Test
  void decode_batchAtNonZeroIndexOfDirectBuffer_readsIt() {
    ByteBuffer batch = Batches.encode(RECORDS, 70);
    ByteBuffer buf = ByteBuffer.allocateDirect(9 + batch.remaining() + 9);
    buf.position(9);
    buf.put(batch.duplicate());
    assertEquals(Optional.empty(), BatchValidator.check(buf, 9, batch.remaining()));
    assertEquals(Batches.expected(RECORDS, 70, APPEND_TIME), RecordBatchDecoder.decode(buf, 9, "t", 9));
  }

  @Test
  void decode_readOnlyBuffer_readsIt() {
    ByteBuffer batch = Batches.encode(RECORDS, 70).asReadOnlyBuffer();
    assertEquals(Batches.expected(RECORDS, 70, APPEND_TIME), Batches.decode(batch));
  }

  @Test
  void decode_returnedArrays_areCopiesNotViews() {
    ByteBuffer batch = Batches.encode(RECORDS, 0);
    LogRecord first = Batches.decode(batch).get(0);
    first.value()[0] = 'X';
    assertEquals(Batches.expected(RECORDS, 0, APPEND_TIME), Batches.decode(batch));
  }

  @Test
  void firstOffsetAtOrAfter_outOfOrderTimestamps_returnsFirstInOffsetOrder() {
    ByteBuffer batch = Batches.encode(RECORDS, 70); // timestamps +30, +10, +20, +40
    assertEquals(70, first(batch, APPEND_TIME, 0));
    assertEquals(70, first(batch, APPEND_TIME + 30, 0));
    assertEquals(73, first(batch, APPEND_TIME + 31, 0));
    assertEquals(72, first(batch, APPEND_TIME + 15, 71));
    assertEquals(73, first(batch, APPEND_TIME + 40, 0));
    assertEquals(-1, first(batch, APPEND_TIME + 41, 0));
    assertEquals(-1, first(batch, 0, 74));
  }

  @Test
  void firstOffsetAtOrAfter_logAppendTimeBatch_usesMaxTimestamp() {
    ByteBuffer batch = Batches.encode(RECORDS, 70);
    batch.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) RecordBatchDescriptor.TIMESTAMP_TYPE_MASK);
    RecordBatchDescriptor.writeCrc(batch, 0, batch.remaining());
    assertEquals(71, first(batch, APPEND_TIME + 40, 71));
    assertEquals(-1, first(batch, APPEND_TIME + 41, 0));
    for (LogRecord r : Batches.decode(batch)) {
      assertEquals(APPEND_TIME + 40, r.timestamp());
    }
  }

  @Test
  void checkRecords_intactBatch_passes() {
    ByteBuffer batch = Batches.encode(RECORDS, 70);
    RecordBatchDecoder.checkRecords(batch, 0, "t", 0);
  }

  // --- malformed records, each with a valid CRC -----------------------------------------------

  @Test
  void decode_wellFormedRawBatch_readsIt() {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).record(1, -5, null, null).toByteArray();
    List<LogRecord> out = Batches.decode(Batches.rawBatch(10, 1, 2, records));
    assertEquals(List.of(new LogRecord(10, APPEND_TIME, K, V, List.of()),
        new LogRecord(11, APPEND_TIME - 5, null, null, List.of())), out);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 1 << 30, 2, 3})
  void decode_recordCountAboveRecordsPresent_throwsCorruptWithoutAllocating(int count) {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, count, count, records), "truncated");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void decode_negativeRecordCount_throwsCorrupt(int count) {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, count, records), "negative record count");
  }

  @Test
  void decode_recordCountBelowRecordsPresent_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).record(1, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 1, 1, records), "records end before the batch does");
  }

  @Test
  void decode_zeroRecordCountWithRecords_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 0, records), "records end before the batch does");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 1 << 20, 1000, -2, Integer.MIN_VALUE})
  void decode_recordLengthOutOfBounds_throwsCorrupt(int length) {
    byte[] records = new Batches.RawRecords().varint(length).raw(0, 0, 0, 2, 'k', 2, 'v', 0).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "length out of bounds");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 1 << 24, 100, -2, Integer.MIN_VALUE})
  void decode_keyLengthOutOfBounds_throwsCorruptWithoutAllocating(int keyLength) {
    byte[] body = new Batches.RawRecords().raw(0, 0, 0).varint(keyLength).raw('k', 2, 'v', 0).toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "key length out of bounds");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 1 << 24, 100, -2})
  void decode_valueLengthOutOfBounds_throwsCorruptWithoutAllocating(int valueLength) {
    byte[] body = new Batches.RawRecords().raw(0, 0, 0, 2, 'k').varint(valueLength).raw('v', 0).toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "value length out of bounds");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 1 << 28, 3, -1, Integer.MIN_VALUE})
  void decode_headerCountOutOfBounds_throwsCorruptWithoutAllocating(int headerCount) {
    byte[] body = new Batches.RawRecords().raw(0, 0, 0, 2, 'k', 2, 'v').varint(headerCount)
        .raw(2, 'h', 2, 'x').toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "header count out of bounds");
  }

  @Test
  void decode_nullHeaderKey_throwsCorrupt() {
    byte[] body = new Batches.RawRecords().raw(0, 0, 0, 2, 'k', 2, 'v', 2).raw(1, 2, 'x').toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "null header key");
  }

  @Test
  void decode_headerKeyLengthBeyondRecord_throwsCorrupt() {
    byte[] body = new Batches.RawRecords().raw(0, 0, 0, 2, 'k', 2, 'v', 2).varint(1 << 20).raw('h', 2, 'x')
        .toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "header key length out of bounds");
  }

  @Test
  void decode_fieldsShorterThanRecordLength_throwsCorrupt() {
    byte[] body = new Batches.RawRecords().raw(0, 0, 0, 2, 'k', 2, 'v', 0, 0x55).toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "do not fill its length");
  }

  @Test
  void decode_recordTruncatedInsideVarint_throwsCorrupt() {
    byte[] body = new Batches.RawRecords().raw(0, 0x80, 0x80).toByteArray(); // timestamp varlong runs off
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "truncated");
  }

  @Test
  void decode_varintLongerThanFiveBytes_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().raw(0xff, 0xff, 0xff, 0xff, 0xff, 0x01).raw(new byte[20])
        .toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "varint longer than 5 bytes");
  }

  @Test
  void decode_varlongLongerThanTenBytes_throwsCorrupt() {
    byte[] body = new Batches.RawRecords().raw(0).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x01).raw(0, 2, 'k', 2, 'v', 0).toByteArray();
    byte[] records = new Batches.RawRecords().varint(body.length).raw(body).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "varlong longer than 10 bytes");
  }

  @Test
  void decode_offsetDeltasOutOfOrder_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().record(1, 0, K, V).record(0, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 1, 2, records), "offset delta out of order");
  }

  @Test
  void decode_repeatedOffsetDelta_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).record(0, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 1, 2, records), "offset delta out of order");
  }

  @Test
  void decode_offsetDeltaBeyondLastOffsetDelta_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).record(5, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 1, 2, records), "offset delta out of order");
  }

  @Test
  void decode_negativeOffsetDelta_throwsCorrupt() {
    byte[] records = new Batches.RawRecords().record(-1, 0, K, V).toByteArray();
    assertCorrupt(Batches.rawBatch(0, 0, 1, records), "offset delta out of order");
  }

  @Test
  void decode_emptyRecordsArea_throwsCorrupt() {
    assertCorrupt(Batches.rawBatch(0, 0, 1, new byte[0]), "truncated");
  }

  @Test
  void decode_corruptRecord_exceptionNamesSourceAndPosition() {
    byte[] records = new Batches.RawRecords().record(0, 0, K, V).toByteArray();
    ByteBuffer batch = Batches.rawBatch(0, 0, 2, records);
    CorruptRecordException e = assertThrows(CorruptRecordException.class,
        () -> RecordBatchDecoder.decode(batch, 0, "00000000000000000000.log", 4096));
    assertEquals("00000000000000000000.log", e.source());
    assertEquals(4096, e.position());
    assertTrue(e.getMessage().contains("00000000000000000000.log") && e.getMessage().contains("4096"));
  }

  // --- hostile bytes --------------------------------------------------------------------------

  /**
   * Valid batches whose records area (and records count) is overwritten at random, the CRC
   * recomputed so that the validator passes them on: decoding must decode or throw
   * CorruptRecordException, never anything else, never run out of memory.
   */
  @Test
  void decode_randomlyMutatedRecordsWithValidCrc_decodesOrThrowsCorrupt() {
    ByteBuffer original = Batches.encode(RECORDS, 0);
    int size = original.remaining();
    // Positions in the records area, plus the records count and lastOffsetDelta fields.
    Gen<Integer> position = integers().between(HEADER_SIZE, size - 1)
        .mix(integers().between(RecordBatchDescriptor.RECORDS_COUNT_OFFSET, HEADER_SIZE - 1), 10)
        .mix(integers().between(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET,
            RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET + 3), 5);
    Gen<Integer> value = integers().between(0, 255)
        .mix(Generate.pick(List.of(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff)), 40);
    Gen<List<Integer>> positions = lists().of(position).ofSizeBetween(1, 5);
    Gen<List<Integer>> values = lists().of(value).ofSize(5);
    int[] decoded = {0};
    qt().withExamples(3_000).forAll(positions, values).checkAssert((at, v) -> {
      ByteBuffer b = Batches.copy(original);
      for (int i = 0; i < at.size(); i++) {
        b.put(at.get(i), (byte) (int) v.get(i));
      }
      RecordBatchDescriptor.writeCrc(b, 0, size);
      if (decodeOrCorrupt(b)) {
        decoded[0]++;
      }
    });
    assertTrue(decoded[0] > 0, "no mutation decoded: the property never reached the success path");
  }

  /** Random records areas of random length behind a valid header and CRC. */
  @Test
  void decode_randomRecordsAreaWithValidCrc_decodesOrThrowsCorrupt() {
    Gen<byte[]> area = Batches.byteArrays(300);
    Gen<Integer> counts = integers().between(0, 4).mix(integers().all(), 20);
    qt().withExamples(1_000).forAll(area, counts, integers().between(0, 10))
        .checkAssert((records, count, lastOffsetDelta) ->
            decodeOrCorrupt(Batches.rawBatch(0, lastOffsetDelta, count, records)));
  }

  /** Random well-formed records with one random field set to an extreme varint. */
  @Test
  void decode_extremeVarintInAnyField_throwsCorruptOrDecodes() {
    int[] extremes = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, -2, 1 << 30, 0};
    for (int field = 0; field < 7; field++) {
      for (int extreme : extremes) {
        Batches.RawRecords body = new Batches.RawRecords().raw(0);
        body = field == 0 ? body.varlong(extreme) : body.varlong(0);
        body = field == 1 ? body.varint(extreme) : body.varint(0);
        body = field == 2 ? body.varint(extreme).raw('k') : body.varint(1).raw('k');
        body = field == 3 ? body.varint(extreme).raw('v') : body.varint(1).raw('v');
        body = field == 4 ? body.varint(extreme) : body.varint(1);
        body = field == 5 ? body.varint(extreme).raw('h') : body.varint(1).raw('h');
        body = field == 6 ? body.varint(extreme).raw('x') : body.varint(1).raw('x');
        byte[] b = body.toByteArray();
        byte[] records = new Batches.RawRecords().varint(b.length).raw(b).toByteArray();
        decodeOrCorrupt(Batches.rawBatch(0, 0, 1, records));
      }
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private static long first(ByteBuffer batch, long target, long minOffset) {
    return RecordBatchDecoder.firstOffsetAtOrAfter(batch, 0, target, minOffset, "t", 0);
  }

  private static void assertCorrupt(ByteBuffer batch, String reason) {
    assertEquals(Optional.empty(), BatchValidator.check(batch, 0, batch.remaining()),
        "the test batch must pass the validator so that only the records are wrong");
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Batches.decode(batch));
    assertTrue(e.reason().contains(reason), () -> "expected '" + reason + "' in: " + e.reason());
    assertThrows(CorruptRecordException.class, () -> RecordBatchDecoder.checkRecords(batch, 0, "t", 0));
    assertThrows(CorruptRecordException.class,
        () -> RecordBatchDecoder.firstOffsetAtOrAfter(batch, 0, Long.MAX_VALUE, 0, "t", 0));
  }

  /**
   * Runs the validator and, if it passes, every decoder entry point.
   *
   * @return true if the batch decoded
   */
  private static boolean decodeOrCorrupt(ByteBuffer b) {
    if (BatchValidator.check(b, 0, b.remaining()).isPresent()) {
      return false;
    }
    boolean decoded;
    try {
      List<LogRecord> records = Batches.decode(b);
      decoded = true;
      assertTrue(records.size() <= Math.max(0, RecordBatchDescriptor.recordsCount(b, 0)));
    } catch (CorruptRecordException e) {
      decoded = false;
    } catch (Throwable t) {
      throw new AssertionError("decode threw " + t, t);
    }
    for (Runnable other : new Runnable[] {
        () -> RecordBatchDecoder.checkRecords(b, 0, "t", 0),
        () -> RecordBatchDecoder.firstOffsetAtOrAfter(b, 0, 0, 0, "t", 0),
        () -> RecordBatchDecoder.decode(b, 0, 1, new ArrayList<>(), "t", 0)}) {
      try {
        other.run();
      } catch (CorruptRecordException e) {
        // clean refusal
      } catch (Throwable t) {
        throw new AssertionError("decoder threw " + t, t);
      }
    }
    return decoded;
  }
}
