package io.samsa.spi.format;

import static io.samsa.spi.format.Batches.APPEND_TIME;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.samsa.CorruptRecordException;
import io.samsa.Header;
import io.samsa.LogRecord;
import io.samsa.ProducerRecord;
import io.samsa.UnsupportedCompressionException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quicktheories.core.Gen;

/**
 * Samsa's record batches against Kafka's own implementation (kafka-clients), in both directions
 * and byte for byte: the on-disk format is Kafka's message format v2, so Kafka must read what
 * Samsa writes, Samsa must read what Kafka writes, and for the same input both must write the
 * same bytes.
 */
class KafkaCompatibilityTest {
  private static final long BASE_OFFSET = 1_000L;
  private static final int EPOCH = 7;
  private static final String SUPPLEMENTARY = "\ud83d\ude80"; // U+1F680, a surrogate pair in Java

  /** One of every kind of record the format must carry; every record has a timestamp. */
  private static List<ProducerRecord> mixedRecords() {
    return List.of(
        ProducerRecord.builder().key("k0").value("plain").timestamp(APPEND_TIME).build(),
        ProducerRecord.builder().value("null key").timestamp(APPEND_TIME + 5).build(),
        ProducerRecord.builder().key("null value").timestamp(APPEND_TIME + 10).build(),
        ProducerRecord.builder().key("empty value").value(new byte[0]).timestamp(APPEND_TIME + 11).build(),
        ProducerRecord.builder().key(new byte[0]).value("empty key").timestamp(APPEND_TIME + 12).build(),
        ProducerRecord.builder().key(new byte[0]).value(new byte[0]).timestamp(APPEND_TIME + 12).build(),
        ProducerRecord.builder().timestamp(APPEND_TIME + 13).build(), // null key and null value
        ProducerRecord.builder().key("headers").value("v")
            .header("trace-id", "abc")
            .header("null-value", (byte[]) null)
            .header("empty-value", new byte[0])
            .header("", "empty key")
            .header("trace-id", "duplicate keys keep their order")
            .timestamp(APPEND_TIME + 20).build(),
        ProducerRecord.builder().key("unicode").value("v")
            .header("cl\u00e9", "2 bytes")
            .header("\u65e5\u672c", "3 bytes")
            .header("rocket-" + SUPPLEMENTARY, "4 bytes")
            .header(SUPPLEMENTARY + SUPPLEMENTARY, new byte[] {(byte) 0xff, 0})
            .timestamp(APPEND_TIME + 21).build(),
        // Out of order: deltas from the base timestamp are negative.
        ProducerRecord.builder().key("earlier").value("v").timestamp(APPEND_TIME - 1).build(),
        ProducerRecord.builder().key("much earlier").value("v").timestamp(APPEND_TIME - 86_400_000L).build(),
        ProducerRecord.builder().key("epoch zero").value("v").timestamp(0).build(),
        ProducerRecord.builder().key("binary").value(new byte[] {0, (byte) 0x80, (byte) 0xff, 0x7f})
            .timestamp(APPEND_TIME + 200_000).build());
  }

  // --- a. Samsa -> Kafka ----------------------------------------------------------------------

  @Test
  void encode_mixedRecords_kafkaReadsOneValidBatchWithSameHeader() {
    List<ProducerRecord> records = mixedRecords();
    ByteBuffer batch = Batches.encode(records, BASE_OFFSET, EPOCH, APPEND_TIME);

    RecordBatch kafka = onlyBatch(batch);
    kafka.ensureValid();
    assertAll(
        () -> assertTrue(kafka.isValid()),
        () -> assertEquals(RecordBatch.MAGIC_VALUE_V2, kafka.magic()),
        () -> assertEquals(CompressionType.NONE, kafka.compressionType()),
        () -> assertEquals(TimestampType.CREATE_TIME, kafka.timestampType()),
        () -> assertEquals(BASE_OFFSET, kafka.baseOffset()),
        () -> assertEquals(BASE_OFFSET + records.size() - 1, kafka.lastOffset()),
        () -> assertEquals(BASE_OFFSET + records.size(), kafka.nextOffset()),
        () -> assertEquals(EPOCH, kafka.partitionLeaderEpoch()),
        () -> assertEquals(records.size(), kafka.countOrNull()),
        () -> assertEquals(APPEND_TIME + 200_000, kafka.maxTimestamp()),
        () -> assertEquals(RecordBatch.NO_PRODUCER_ID, kafka.producerId()),
        () -> assertEquals(RecordBatch.NO_PRODUCER_EPOCH, kafka.producerEpoch()),
        () -> assertEquals(RecordBatch.NO_SEQUENCE, kafka.baseSequence()),
        () -> assertFalse(kafka.isTransactional()),
        () -> assertFalse(kafka.isControlBatch()),
        () -> assertEquals(batch.remaining(), kafka.sizeInBytes()),
        () -> assertEquals(RecordBatchDescriptor.crc(batch, 0), kafka.checksum()));
  }

  @Test
  void encode_mixedRecords_kafkaReadsSameRecords() {
    List<ProducerRecord> records = mixedRecords();
    ByteBuffer batch = Batches.encode(records, BASE_OFFSET, EPOCH, APPEND_TIME);
    assertEquals(Batches.expected(records, BASE_OFFSET, APPEND_TIME), Batches.kafkaView(onlyBatch(batch)));
  }

  @Test
  void encode_headerKeysWithSupplementaryCharacter_kafkaReadsSameKeys() {
    List<ProducerRecord> records = mixedRecords();
    RecordBatch kafka = onlyBatch(Batches.encode(records, BASE_OFFSET, EPOCH, APPEND_TIME));
    List<String> keys = new ArrayList<>();
    for (org.apache.kafka.common.record.Record r : kafka) {
      for (org.apache.kafka.common.header.Header h : r.headers()) {
        keys.add(h.key());
      }
    }
    assertTrue(keys.contains("rocket-" + SUPPLEMENTARY), keys::toString);
    assertTrue(keys.contains(SUPPLEMENTARY + SUPPLEMENTARY), keys::toString);
    assertTrue(keys.contains("\u65e5\u672c"), keys::toString);
  }

  @Test
  void encode_nullsAndEmpties_kafkaTellsThemApart() {
    List<ProducerRecord> records = List.of(
        ProducerRecord.builder().timestamp(1).build(),
        ProducerRecord.builder().key(new byte[0]).value(new byte[0]).timestamp(1).build());
    List<org.apache.kafka.common.record.Record> kafka = new ArrayList<>();
    onlyBatch(Batches.encode(records, 0)).forEach(kafka::add);
    assertFalse(kafka.get(0).hasKey());
    assertFalse(kafka.get(0).hasValue());
    assertTrue(kafka.get(1).hasKey());
    assertTrue(kafka.get(1).hasValue());
    assertEquals(0, kafka.get(1).keySize());
    assertEquals(0, kafka.get(1).valueSize());
  }

  @Test
  void encode_recordsWithoutTimestamp_kafkaSeesAppendTime() {
    List<ProducerRecord> records = List.of(
        ProducerRecord.of("a", "1"),
        ProducerRecord.builder().key("b").value("2").timestamp(APPEND_TIME - 50).build(),
        ProducerRecord.of("c", "3"));
    RecordBatch kafka = onlyBatch(Batches.encode(records, 0, EPOCH, APPEND_TIME));
    List<Long> timestamps = new ArrayList<>();
    kafka.forEach(r -> timestamps.add(r.timestamp()));
    assertEquals(List.of(APPEND_TIME, APPEND_TIME - 50, APPEND_TIME), timestamps);
    assertEquals(APPEND_TIME, kafka.maxTimestamp());
  }

  @Test
  void encode_timestampsOutOfOrder_kafkaSeesEachTimestampAndTheMaximum() {
    List<ProducerRecord> records = List.of(
        ProducerRecord.builder().value("a").timestamp(5_000).build(),
        ProducerRecord.builder().value("b").timestamp(4_000).build(),
        ProducerRecord.builder().value("c").timestamp(9_000).build(),
        ProducerRecord.builder().value("d").timestamp(0).build(),
        ProducerRecord.builder().value("e").timestamp(Long.MAX_VALUE).build());
    ByteBuffer batch = Batches.encode(records, 0);
    RecordBatch kafka = onlyBatch(batch);
    kafka.ensureValid();
    List<Long> timestamps = new ArrayList<>();
    kafka.forEach(r -> timestamps.add(r.timestamp()));
    assertEquals(List.of(5_000L, 4_000L, 9_000L, 0L, Long.MAX_VALUE), timestamps);
    assertEquals(Long.MAX_VALUE, kafka.maxTimestamp());
    assertEquals(5_000, RecordBatchDescriptor.baseTimestamp(batch, 0), "base timestamp is the first record's");
  }

  @Test
  void encode_oneMebibyteValue_kafkaReadsItWhole() {
    byte[] value = new byte[1 << 20];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 31 + (i >>> 8));
    }
    List<ProducerRecord> records = List.of(
        ProducerRecord.builder().key("small").value("before").timestamp(1).build(),
        ProducerRecord.builder().key("big").value(value).timestamp(2).header("h", "x").build(),
        ProducerRecord.builder().key("small").value("after").timestamp(3).build());
    ByteBuffer batch = Batches.encode(records, 42, EPOCH, APPEND_TIME);
    RecordBatch kafka = onlyBatch(batch);
    kafka.ensureValid();
    List<LogRecord> read = Batches.kafkaView(kafka);
    assertEquals(3, read.size());
    assertArrayEquals(value, read.get(1).value());
    assertEquals(Batches.expected(records, 42, APPEND_TIME), read);
  }

  @Test
  void encode_noLeaderEpoch_kafkaSeesNoPartitionLeaderEpoch() {
    RecordBatch kafka = onlyBatch(Batches.encode(List.of(ProducerRecord.of("k", "v")), 0,
        RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH, APPEND_TIME));
    assertEquals(RecordBatch.NO_PARTITION_LEADER_EPOCH, kafka.partitionLeaderEpoch());
  }

  @Test
  void encode_atNonZeroBufferPosition_writesBatchThereAndKafkaReadsIt() {
    List<ProducerRecord> records = mixedRecords();
    int size = (int) RecordBatchEncoder.batchSize(records, APPEND_TIME);
    ByteBuffer buf = ByteBuffer.allocate(17 + size + 5);
    buf.position(17);
    int written = RecordBatchEncoder.encode(buf, records, BASE_OFFSET, EPOCH, APPEND_TIME);
    assertEquals(size, written);
    assertEquals(17 + size, buf.position());
    ByteBuffer slice = buf.duplicate().position(17).limit(17 + size).slice();
    assertArrayEquals(Batches.bytes(Batches.encode(records, BASE_OFFSET, EPOCH, APPEND_TIME)),
        Batches.bytes(slice));
    assertEquals(Batches.expected(records, BASE_OFFSET, APPEND_TIME), Batches.kafkaView(onlyBatch(slice)));
  }

  @Test
  void encode_largeBaseOffset_kafkaSeesSameOffsets() {
    long base = Long.MAX_VALUE - 100;
    RecordBatch kafka = onlyBatch(Batches.encode(List.of(ProducerRecord.of("a", "1"), ProducerRecord.of("b", "2")), base));
    assertEquals(base, kafka.baseOffset());
    assertEquals(base + 1, kafka.lastOffset());
  }

  // --- b. Kafka -> Samsa ----------------------------------------------------------------------

  @Test
  void decode_kafkaBatchOfMixedRecords_returnsIdenticalRecords() {
    List<ProducerRecord> records = mixedRecords();
    ByteBuffer batch = Batches.kafkaBatch(records, BASE_OFFSET, EPOCH);
    assertEquals(batch.remaining(), BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0));
    assertEquals(Batches.expectedFromKafka(records, BASE_OFFSET), Batches.decode(batch));
  }

  @Test
  void decode_kafkaBatchWithoutLeaderEpoch_returnsIdenticalRecordsAndNoEpoch() {
    List<ProducerRecord> records = mixedRecords();
    ByteBuffer batch = Batches.kafkaBatch(records, 0, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0);
    assertEquals(RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH,
        RecordBatchDescriptor.partitionLeaderEpoch(batch, 0));
    assertEquals(Batches.expectedFromKafka(records, 0), Batches.decode(batch));
  }

  @Test
  void decode_kafkaBatchHeader_fieldsReadAsKafkaWroteThem() {
    List<ProducerRecord> records = mixedRecords();
    ByteBuffer batch = Batches.kafkaBatch(records, BASE_OFFSET, EPOCH);
    RecordBatch kafka = onlyBatch(batch);
    assertAll(
        () -> assertEquals(kafka.baseOffset(), RecordBatchDescriptor.baseOffset(batch, 0)),
        () -> assertEquals(kafka.lastOffset(), RecordBatchDescriptor.lastOffset(batch, 0)),
        () -> assertEquals(kafka.sizeInBytes(), RecordBatchDescriptor.batchSize(batch, 0)),
        () -> assertEquals(kafka.partitionLeaderEpoch(), RecordBatchDescriptor.partitionLeaderEpoch(batch, 0)),
        () -> assertEquals(kafka.magic(), RecordBatchDescriptor.magic(batch, 0)),
        () -> assertEquals(kafka.checksum(), RecordBatchDescriptor.crc(batch, 0)),
        () -> assertEquals(kafka.checksum(), RecordBatchDescriptor.computeCrc(batch, 0, kafka.sizeInBytes())),
        () -> assertEquals(kafka.maxTimestamp(), RecordBatchDescriptor.maxTimestamp(batch, 0)),
        () -> assertEquals(kafka.producerId(), RecordBatchDescriptor.producerId(batch, 0)),
        () -> assertEquals(kafka.producerEpoch(), RecordBatchDescriptor.producerEpoch(batch, 0)),
        () -> assertEquals(kafka.baseSequence(), RecordBatchDescriptor.baseSequence(batch, 0)),
        () -> assertEquals(kafka.countOrNull(), RecordBatchDescriptor.recordsCount(batch, 0)),
        () -> assertEquals(kafka.compressionType().id, RecordBatchDescriptor.compressionCodec(batch, 0)));
  }

  @Test
  void decode_kafkaRecordWithoutTimestamp_returnsMinusOneAsKafkaStoresIt() {
    List<ProducerRecord> records = List.of(ProducerRecord.of("a", "1"),
        ProducerRecord.builder().key("b").value("2").timestamp(APPEND_TIME).build());
    ByteBuffer batch = Batches.kafkaBatch(records, 0, EPOCH);
    BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0);
    List<LogRecord> decoded = Batches.decode(batch);
    assertEquals(RecordBatch.NO_TIMESTAMP, decoded.get(0).timestamp());
    assertEquals(APPEND_TIME, decoded.get(1).timestamp());
  }

  @Test
  void decode_kafkaOneMebibyteValue_returnsItWhole() {
    byte[] value = new byte[1 << 20];
    Arrays.fill(value, (byte) 'x');
    value[value.length - 1] = 'y';
    List<ProducerRecord> records = List.of(ProducerRecord.builder().key("big").value(value).timestamp(1).build(),
        ProducerRecord.builder().key("after").timestamp(2).build());
    ByteBuffer batch = Batches.kafkaBatch(records, 5, EPOCH);
    BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0);
    assertEquals(Batches.expectedFromKafka(records, 5), Batches.decode(batch));
    assertArrayEquals(Batches.bytes(batch), Batches.bytes(Batches.encode(records, 5, EPOCH, APPEND_TIME)));
  }

  @Test
  void decode_kafkaLogAppendTimeBatch_returnsLogAppendTimeForEveryRecord() {
    List<ProducerRecord> records = List.of(
        ProducerRecord.builder().value("a").timestamp(10).build(),
        ProducerRecord.builder().value("b").timestamp(20).build());
    long logAppendTime = APPEND_TIME + 123;
    ByteBuffer batch = Batches.kafkaBatch(records, 0, EPOCH, Compression.NONE,
        TimestampType.LOG_APPEND_TIME, logAppendTime);
    BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0);
    List<Long> kafkaTimestamps = new ArrayList<>();
    onlyBatch(batch).forEach(r -> kafkaTimestamps.add(r.timestamp()));
    List<Long> samsaTimestamps = new ArrayList<>();
    Batches.decode(batch).forEach(r -> samsaTimestamps.add(r.timestamp()));
    assertEquals(List.of(logAppendTime, logAppendTime), kafkaTimestamps);
    assertEquals(kafkaTimestamps, samsaTimestamps);
  }

  @Test
  void decode_kafkaIdempotentBatch_returnsIdenticalRecords() {
    List<ProducerRecord> records = mixedRecords();
    MemoryRecordsBuilder builder = MemoryRecords.idempotentBuilder(ByteBuffer.allocate(256),
        Compression.NONE, 300L, 9876L, (short) 3, 55);
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord r = records.get(i);
      builder.appendWithOffset(300L + i, r.timestamp(), r.key(), r.value(), Batches.kafkaHeaders(r.headers()));
    }
    ByteBuffer batch = Batches.copy(builder.build().buffer());
    BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0);
    assertEquals(9876L, RecordBatchDescriptor.producerId(batch, 0));
    assertEquals(55, RecordBatchDescriptor.baseSequence(batch, 0));
    assertEquals(Batches.expectedFromKafka(records, 300), Batches.decode(batch));
  }

  /** Compacted Kafka batches have gaps between offsets; the offsets must survive. */
  @Test
  void decode_kafkaBatchWithOffsetGaps_keepsKafkasOffsets() {
    MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V2,
        Compression.NONE, TimestampType.CREATE_TIME, 100L);
    builder.appendWithOffset(100L, 1L, "a".getBytes(UTF_8), "1".getBytes(UTF_8));
    builder.appendWithOffset(103L, 2L, "b".getBytes(UTF_8), "2".getBytes(UTF_8));
    builder.appendWithOffset(110L, 3L, "c".getBytes(UTF_8), null);
    ByteBuffer batch = Batches.copy(builder.build().buffer());
    BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0);
    List<Long> offsets = new ArrayList<>();
    Batches.decode(batch).forEach(r -> offsets.add(r.offset()));
    assertEquals(List.of(100L, 103L, 110L), offsets);
    assertEquals(110L, RecordBatchDescriptor.lastOffset(batch, 0));
  }

  @Test
  void encode_mixedRecordsWithEpoch_isByteForByteWhatKafkaWrites() {
    assertSameBytes(mixedRecords(), BASE_OFFSET, EPOCH);
  }

  @Test
  void encode_mixedRecordsWithoutEpoch_isByteForByteWhatKafkaWrites() {
    assertSameBytes(mixedRecords(), 0, RecordBatch.NO_PARTITION_LEADER_EPOCH);
  }

  @Test
  void encode_singleRecord_isByteForByteWhatKafkaWrites() {
    assertSameBytes(List.of(ProducerRecord.builder().key("k").value("v").timestamp(APPEND_TIME).build()), 0, 0);
    assertSameBytes(List.of(ProducerRecord.builder().timestamp(0).build()), 0, 0);
  }

  /** Header keys are written as String.getBytes(UTF_8) writes them: an unpaired surrogate is '?'. */
  @Test
  void encode_headerKeysWithUnpairedSurrogates_kafkaReadsThemAsQuestionMarks() {
    List<ProducerRecord> records = List.of(ProducerRecord.builder().value("v").timestamp(1)
        .header("lone-high-\ud83d", "1")
        .header("\ude80-lone-low", "2")
        .header("\ud83d\ud83d\ude80", "3")
        .header("\ude80\ud83d", "4")
        .build());
    List<String> expected = List.of("lone-high-?", "?-lone-low", "?" + SUPPLEMENTARY, "??");
    ByteBuffer batch = Batches.encode(records, 0, EPOCH, APPEND_TIME);
    RecordBatch kafka = onlyBatch(batch);
    kafka.ensureValid();
    assertEquals(expected, Batches.kafkaView(kafka).get(0).headers().stream().map(Header::key).toList());
    assertEquals(expected, Batches.decode(batch).get(0).headers().stream().map(Header::key).toList());
  }

  /**
   * Kafka's own builder cannot write a header key with an unpaired surrogate: it sizes the record
   * with Utils.utf8Length (which counts a lone high surrogate as 4 bytes) but writes
   * String.getBytes (1 byte, '?'), so the record's length prefix overstates its fields and Kafka's
   * own reader refuses the batch. This is why the Kafka-side generators use well-formed keys only.
   * Samsa must refuse such a batch cleanly too, not mis-read it.
   */
  @Test
  void decode_kafkaBatchWithUnpairedSurrogateHeaderKey_throwsCorruptRecordAsKafkaDoes() {
    List<ProducerRecord> records = List.of(ProducerRecord.builder().value("v").timestamp(1).header("a\ud83d", "x").build());
    ByteBuffer batch = Batches.kafkaBatch(records, 0, EPOCH);
    RecordBatch kafka = onlyBatch(batch);
    kafka.ensureValid(); // the CRC is over what was written, so it matches
    assertThrows(org.apache.kafka.common.InvalidRecordException.class, () -> Batches.kafkaView(kafka));
    assertEquals(Optional.empty(), BatchValidator.check(batch, 0, batch.remaining()));
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Batches.decode(batch));
    assertTrue(e.reason().contains("length"), e.reason());
  }

  // --- c. random records, both ways -----------------------------------------------------------

  @Test
  void encode_randomRecords_kafkaReadsSameRecords() {
    qt().withExamples(500).forAll(Batches.recordLists(true, false), baseOffsets(), epochs())
        .checkAssert((records, base, epoch) -> {
          ByteBuffer batch = Batches.encode(records, base, epoch, APPEND_TIME);
          RecordBatch kafka = onlyBatch(batch);
          kafka.ensureValid();
          assertEquals(base, kafka.baseOffset());
          assertEquals(base + records.size() - 1, kafka.lastOffset());
          assertEquals((int) epoch, kafka.partitionLeaderEpoch());
          assertEquals(Batches.expected(records, base, APPEND_TIME), Batches.kafkaView(kafka));
        });
  }

  @Test
  void decode_randomKafkaBatches_returnsIdenticalRecords() {
    qt().withExamples(500).forAll(Batches.recordLists(true, true), baseOffsets(), epochs())
        .checkAssert((records, base, epoch) -> {
          ByteBuffer batch = Batches.kafkaBatch(records, base, epoch);
          assertEquals(batch.remaining(), BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka", 0));
          assertEquals(Batches.expectedFromKafka(records, base), Batches.decode(batch));
        });
  }

  @Test
  void encode_randomRecordsWithTimestamps_isByteForByteWhatKafkaWrites() {
    qt().withExamples(500).forAll(Batches.recordLists(false, true), baseOffsets(), epochs())
        .checkAssert((records, base, epoch) -> assertSameBytes(records, base, epoch));
  }

  @Test
  void batchSize_randomRecords_equalsKafkasBatchSize() {
    qt().withExamples(500).forAll(Batches.recordLists(false, true))
        .checkAssert(records -> assertEquals(
            Batches.kafkaBatch(records, 0, 0).remaining(), RecordBatchEncoder.batchSize(records, APPEND_TIME)));
  }

  // --- d. compressed batches are refused ------------------------------------------------------

  @Test
  void ensureValid_kafkaGzipBatch_throwsUnsupportedCompressionNamingGzip() {
    ByteBuffer batch = compressedBatch(CompressionType.GZIP);
    assertRefusedAsCompressed(batch, "gzip");
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = {"SNAPPY", "LZ4", "ZSTD"})
  void ensureValid_kafkaBatchWithOtherCodec_throwsUnsupportedCompressionNamingCodec(CompressionType type) {
    ByteBuffer batch;
    try {
      batch = compressedBatch(type);
    } catch (Throwable t) { // a native codec that cannot load here: UnsatisfiedLinkError, KafkaException
      Assumptions.abort("Kafka cannot write " + type.name + " batches on this machine: " + t);
      return;
    }
    assertRefusedAsCompressed(batch, type.name);
  }

  @Test
  void recover_kafkaGzipBatchAfterPlainOne_stopsAtCompressedBatch() throws Exception {
    ByteBuffer plain = Batches.kafkaBatch(List.of(ProducerRecord.builder().value("a").timestamp(1).build()), 0, 0);
    ByteBuffer gzip = compressedBatch(CompressionType.GZIP, 1);
    ByteBuffer log = Batches.concat(List.of(plain, gzip));
    BatchScanner.ScanResult result = BatchScanner.recover(PositionalReader.of(log), 0, log.limit(), 0,
        (position, size, baseOffset, lastOffset, maxTimestamp, epoch) -> { });
    assertEquals(plain.remaining(), result.validEnd());
    assertEquals(1, result.nextOffset());
    assertTrue(result.problem().orElseThrow().contains("gzip"), result.problem()::toString);
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Gen<Long> baseOffsets() {
    return longs().between(0, 1_000_000).mix(longs().between(0, Long.MAX_VALUE - 16), 20);
  }

  private static Gen<Integer> epochs() {
    return integers().between(-1, 100).mix(integers().between(0, Integer.MAX_VALUE), 20);
  }

  private static RecordBatch onlyBatch(ByteBuffer batch) {
    MemoryRecords records = MemoryRecords.readableRecords(batch.duplicate());
    List<RecordBatch> batches = new ArrayList<>();
    records.batches().forEach(batches::add);
    assertEquals(1, batches.size(), "batches Kafka sees");
    assertEquals(batch.remaining(), records.sizeInBytes());
    return batches.get(0);
  }

  /** Samsa's encoder and Kafka's builder, given the same records, write the same bytes. */
  private static void assertSameBytes(List<ProducerRecord> records, long baseOffset, int epoch) {
    byte[] kafka = Batches.bytes(Batches.kafkaBatch(records, baseOffset, epoch));
    byte[] samsa = Batches.bytes(Batches.encode(records, baseOffset, epoch, APPEND_TIME));
    if (!Arrays.equals(kafka, samsa)) {
      int at = Arrays.mismatch(kafka, samsa);
      throw new AssertionError("Samsa's batch differs from Kafka's at byte " + at + " ("
          + field(at) + "): kafka=" + hex(kafka, at) + ", samsa=" + hex(samsa, at)
          + "; sizes kafka=" + kafka.length + ", samsa=" + samsa.length);
    }
  }

  private static String field(int at) {
    String[] names = {"baseOffset", "batchLength", "partitionLeaderEpoch", "magic", "crc", "attributes",
        "lastOffsetDelta", "baseTimestamp", "maxTimestamp", "producerId", "producerEpoch", "baseSequence",
        "recordsCount", "records"};
    int[] starts = {0, 8, 12, 16, 17, 21, 23, 27, 35, 43, 51, 53, 57, 61};
    String name = names[0];
    for (int i = 0; i < starts.length; i++) {
      if (at >= starts[i]) {
        name = names[i];
      }
    }
    return name;
  }

  private static String hex(byte[] b, int at) {
    int from = Math.max(0, at - 4);
    int to = Math.min(b.length, at + 12);
    return from >= to ? "<end>" : HexFormat.of().formatHex(b, from, to);
  }

  private static ByteBuffer compressedBatch(CompressionType type) {
    return compressedBatch(type, 0);
  }

  private static ByteBuffer compressedBatch(CompressionType type, long baseOffset) {
    List<ProducerRecord> records = List.of(
        ProducerRecord.builder().key("k").value("a value that compresses, a value that compresses").timestamp(1).build(),
        ProducerRecord.builder().key("k").value("a value that compresses, a value that compresses").timestamp(2).build());
    ByteBuffer batch = Batches.kafkaBatch(records, baseOffset, 0, Compression.of(type).build(),
        TimestampType.CREATE_TIME, RecordBatch.NO_TIMESTAMP);
    RecordBatch kafka = onlyBatch(batch);
    kafka.ensureValid();
    assertEquals(type, kafka.compressionType(), "Kafka wrote the codec asked for");
    return batch;
  }

  private static void assertRefusedAsCompressed(ByteBuffer batch, String codec) {
    assertEquals(codec, CompressionType.forId(RecordBatchDescriptor.compressionCodec(batch, 0)).name);
    UnsupportedCompressionException e = assertThrows(UnsupportedCompressionException.class,
        () -> BatchValidator.ensureValid(batch, 0, batch.remaining(), "kafka-" + codec, 77));
    assertEquals(codec, e.codec());
    assertTrue(e.getMessage().contains("codec=" + codec) && e.getMessage().contains("kafka-" + codec)
        && e.getMessage().contains("position=77"), e.getMessage());

    Optional<String> problem = BatchValidator.check(batch, 0, batch.remaining());
    assertTrue(problem.isPresent(), "check must refuse a " + codec + " batch");
    assertTrue(problem.get().contains("codec=" + codec), problem.get());
    assertTrue(BatchValidator.checkCovered(batch, 0).orElseThrow().contains("codec=" + codec));

    // Not a corrupt-record refusal: the batch is intact, only compressed.
    assertFalse(CorruptRecordException.class.isInstance(e));
  }
}
