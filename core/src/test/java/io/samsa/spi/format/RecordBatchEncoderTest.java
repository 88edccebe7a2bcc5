package io.samsa.spi.format;

import static io.samsa.spi.format.Batches.APPEND_TIME;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.samsa.ProducerRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

/** The encoder's building blocks, each against an outside oracle (Kafka's ByteUtils, the JDK). */
class RecordBatchEncoderTest {

  @Test
  void varint_randomInts_sameBytesAndSizeAsKafka() {
    qt().withExamples(2_000)
        .forAll(integers().all().mix(integers().between(-200, 200)))
        .checkAssert(v -> {
          ByteBuffer samsa = ByteBuffer.allocate(5);
          Varints.putVarint(samsa, v);
          ByteBuffer kafka = ByteBuffer.allocate(5);
          ByteUtils.writeVarint(v, kafka);
          assertEquals(kafka.flip(), samsa.flip(), () -> "value " + v);
          assertEquals(ByteUtils.sizeOfVarint(v), Varints.sizeOfVarint(v));
          assertEquals(samsa.remaining(), Varints.sizeOfVarint(v));
        });
  }

  @Test
  void varlong_randomLongs_sameBytesAndSizeAsKafka() {
    qt().withExamples(2_000)
        .forAll(longs().all().mix(longs().between(-200, 200)))
        .checkAssert(v -> {
          ByteBuffer samsa = ByteBuffer.allocate(10);
          Varints.putVarlong(samsa, v);
          ByteBuffer kafka = ByteBuffer.allocate(10);
          ByteUtils.writeVarlong(v, kafka);
          assertEquals(kafka.flip(), samsa.flip(), () -> "value " + v);
          assertEquals(ByteUtils.sizeOfVarlong(v), Varints.sizeOfVarlong(v));
          assertEquals(samsa.remaining(), Varints.sizeOfVarlong(v));
        });
  }

  @Test
  void varint_boundaries_sameBytesAsKafka() {
    for (long v : new long[] {0, -1, 63, -64, 64, -65, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE}) {
      ByteBuffer samsa = ByteBuffer.allocate(10);
      Varints.putVarlong(samsa, v);
      ByteBuffer kafka = ByteBuffer.allocate(10);
      ByteUtils.writeVarlong(v, kafka);
      assertEquals(kafka.flip(), samsa.flip(), "value " + v);
    }
  }

  /** The arithmetic UTF-8 length agrees with String.getBytes, lone surrogates included. */
  @Test
  void utf8Length_randomStrings_equalsJdkEncodedLength() {
    qt().withExamples(2_000)
        .forAll(Batches.headerKeys(false))
        .checkAssert(s -> assertEquals(s.getBytes(UTF_8).length, RecordBatchEncoder.utf8Length(s),
            () -> "code points " + Arrays.toString(s.chars().toArray())));
  }

  @Test
  void compressionName_everyKafkaCodec_isKafkasName() {
    for (CompressionType type : CompressionType.values()) {
      assertEquals(type.name, Compression.name(type.id));
    }
    assertEquals("unknown(5)", Compression.name(5));
  }

  @Test
  void batchSize_randomRecords_equalsBytesWritten() {
    qt().withExamples(300)
        .forAll(Batches.recordLists(true, false))
        .checkAssert(records -> {
          long size = RecordBatchEncoder.batchSize(records, APPEND_TIME);
          ByteBuffer buf = ByteBuffer.allocate((int) size + 8);
          assertEquals(size, RecordBatchEncoder.encode(buf, records, 0, 0, APPEND_TIME));
          assertEquals(size, buf.position());
        });
  }

  @Test
  void encode_noRecords_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class,
        () -> RecordBatchEncoder.encode(ByteBuffer.allocate(100), List.of(), 0, 0, APPEND_TIME));
  }

  /** batchSize and encode should refuse an empty batch the same way, with a message that says so. */
  @Test
  void batchSize_noRecords_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> RecordBatchEncoder.batchSize(List.of(), APPEND_TIME));
  }

  @Test
  void encode_littleEndianBuffer_throwsIllegalArgument() {
    ByteBuffer le = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
    assertThrows(IllegalArgumentException.class,
        () -> RecordBatchEncoder.encode(le, List.of(ProducerRecord.of("k", "v")), 0, 0, APPEND_TIME));
  }
}
