package io.samsa.spi.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.samsa.Header;
import io.samsa.LogRecord;
import io.samsa.ProducerRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Utils;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Batches for the format tests: written by Samsa's encoder, by Kafka's builder (the oracle), or
 * by hand, field by field, for hostile inputs; and generators of random records.
 */
final class Batches {
  /** The append time given to the encoder in these tests. */
  static final long APPEND_TIME = 1_700_000_000_000L;

  private Batches() {}

  // --- Samsa ----------------------------------------------------------------------------------

  /** Samsa's batch of these records in a heap buffer of exactly its size. */
  static ByteBuffer encode(List<ProducerRecord> records, long baseOffset, int epoch, long appendTimeMs) {
    long size = RecordBatchEncoder.batchSize(records, appendTimeMs);
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size));
    int written = RecordBatchEncoder.encode(buf, records, baseOffset, epoch, appendTimeMs);
    if (written != size) {
      throw new AssertionError("batchSize=" + size + " but encode wrote " + written);
    }
    return buf.flip();
  }

  static ByteBuffer encode(List<ProducerRecord> records, long baseOffset) {
    return encode(records, baseOffset, RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH, APPEND_TIME);
  }

  /** What a reader of Samsa's batch must get back: offsets assigned, missing timestamps stamped. */
  static List<LogRecord> expected(List<ProducerRecord> records, long baseOffset, long appendTimeMs) {
    List<LogRecord> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord r = records.get(i);
      long ts = r.timestamp() == ProducerRecord.NO_TIMESTAMP ? appendTimeMs : r.timestamp();
      out.add(new LogRecord(baseOffset + i, ts, r.key(), r.value(), storedHeaders(r.headers())));
    }
    return out;
  }

  /** What Kafka stores for records given with these timestamps (-1 stays -1 in Kafka). */
  static List<LogRecord> expectedFromKafka(List<ProducerRecord> records, long baseOffset) {
    List<LogRecord> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord r = records.get(i);
      out.add(new LogRecord(baseOffset + i, r.timestamp(), r.key(), r.value(), storedHeaders(r.headers())));
    }
    return out;
  }

  /** Header keys as they read back: through UTF-8, where an unpaired surrogate becomes '?'. */
  static List<Header> storedHeaders(List<Header> headers) {
    List<Header> out = new ArrayList<>();
    for (Header h : headers) {
      out.add(Header.of(new String(h.key().getBytes(UTF_8), UTF_8), h.value()));
    }
    return out;
  }

  static List<LogRecord> decode(ByteBuffer batch) {
    return RecordBatchDecoder.decode(batch, 0, "test", 0);
  }

  // --- Kafka ----------------------------------------------------------------------------------

  /** Kafka's uncompressed CreateTime batch of these records, copied into a fresh heap buffer. */
  static ByteBuffer kafkaBatch(List<ProducerRecord> records, long baseOffset, int epoch) {
    return kafkaBatch(records, baseOffset, epoch, Compression.NONE, TimestampType.CREATE_TIME,
        RecordBatch.NO_TIMESTAMP);
  }

  static ByteBuffer kafkaBatch(List<ProducerRecord> records, long baseOffset, int epoch, Compression compression,
      TimestampType timestampType, long logAppendTime) {
    MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256),
        RecordBatch.MAGIC_VALUE_V2, compression, timestampType, baseOffset, logAppendTime,
        RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, epoch);
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord r = records.get(i);
      builder.appendWithOffset(baseOffset + i, r.timestamp(), r.key(), r.value(), kafkaHeaders(r.headers()));
    }
    return copy(builder.build().buffer());
  }

  static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
    org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
    }
    return out;
  }

  /** The records Kafka reads from one batch, as LogRecords. */
  static List<LogRecord> kafkaView(RecordBatch batch) {
    List<LogRecord> out = new ArrayList<>();
    for (org.apache.kafka.common.record.Record r : batch) {
      List<Header> headers = new ArrayList<>();
      for (org.apache.kafka.common.header.Header h : r.headers()) {
        headers.add(Header.of(h.key(), h.value()));
      }
      out.add(new LogRecord(r.offset(), r.timestamp(), Utils.toNullableArray(r.key()),
          Utils.toNullableArray(r.value()), headers));
    }
    return out;
  }

  // --- bytes ----------------------------------------------------------------------------------

  static ByteBuffer copy(ByteBuffer src) {
    ByteBuffer dup = src.duplicate();
    ByteBuffer out = ByteBuffer.allocate(dup.remaining());
    out.put(dup);
    return out.flip();
  }

  static byte[] bytes(ByteBuffer src) {
    ByteBuffer dup = src.duplicate();
    byte[] out = new byte[dup.remaining()];
    dup.get(out);
    return out;
  }

  static ByteBuffer concat(List<ByteBuffer> parts) {
    int size = 0;
    for (ByteBuffer p : parts) {
      size += p.remaining();
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (ByteBuffer p : parts) {
      out.put(p.duplicate());
    }
    return out.flip();
  }

  /**
   * A batch with the given header fields around hand-written record bytes, with a correct CRC, so
   * that only the records are wrong.
   */
  static ByteBuffer rawBatch(long baseOffset, int lastOffsetDelta, int recordsCount, byte[] records) {
    int size = RecordBatchDescriptor.HEADER_SIZE + records.length;
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putLong(baseOffset);
    buf.putInt(size - RecordBatchDescriptor.LOG_OVERHEAD);
    buf.putInt(RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH);
    buf.put(RecordBatchDescriptor.MAGIC);
    buf.putInt(0); // CRC, below
    buf.putShort((short) 0);
    buf.putInt(lastOffsetDelta);
    buf.putLong(APPEND_TIME);
    buf.putLong(APPEND_TIME);
    buf.putLong(RecordBatchDescriptor.NO_PRODUCER_ID);
    buf.putShort(RecordBatchDescriptor.NO_PRODUCER_EPOCH);
    buf.putInt(RecordBatchDescriptor.NO_SEQUENCE);
    buf.putInt(recordsCount);
    buf.put(records);
    RecordBatchDescriptor.writeCrc(buf, 0, size);
    return buf.flip();
  }

  /** Writes record bytes field by field, with Kafka's own varint code. */
  static final class RawRecords {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    RawRecords varint(int v) {
      try {
        ByteUtils.writeVarint(v, out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    RawRecords varlong(long v) {
      try {
        ByteUtils.writeVarlong(v, out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    RawRecords raw(int... values) {
      for (int v : values) {
        bytes.write(v);
      }
      return this;
    }

    RawRecords raw(byte[] values) {
      bytes.writeBytes(values);
      return this;
    }

    /** A whole, well-formed record: length, attributes, deltas, key, value, no headers. */
    RawRecords record(int offsetDelta, long timestampDelta, byte[] key, byte[] value) {
      RawRecords body = new RawRecords().raw(0).varlong(timestampDelta).varint(offsetDelta)
          .bytesField(key).bytesField(value).varint(0);
      byte[] b = body.toByteArray();
      return varint(b.length).raw(b);
    }

    RawRecords bytesField(byte[] b) {
      if (b == null) {
        return varint(-1);
      }
      return varint(b.length).raw(b);
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  // --- generators -----------------------------------------------------------------------------

  static Gen<byte[]> byteArrays(int maxLength) {
    Gen<Byte> anyByte = Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0);
    Gen<Integer> lengths = integers().between(0, 8).mix(integers().between(0, maxLength), 30);
    return Generate.byteArrays(lengths, anyByte);
  }

  static Gen<byte[]> nullable(Gen<byte[]> gen) {
    return booleans().all().zip(gen, (isNull, b) -> isNull ? null : b);
  }

  /**
   * Header keys: plain ASCII, and any code points; with {@code wellFormed} false, unpaired
   * surrogates too (which Kafka's builder cannot write, see KafkaCompatibilityTest).
   */
  static Gen<String> headerKeys(boolean wellFormed) {
    Gen<String> ascii = strings().basicLatinAlphabet().ofLengthBetween(0, 10);
    // Built from code points: a string generator cut to a length in chars can split a pair.
    Gen<Integer> codePoints = wellFormed
        ? integers().between(0, Character.MIN_SURROGATE - 1)
            .mix(integers().between(Character.MAX_SURROGATE + 1, Character.MAX_CODE_POINT))
        : integers().between(0, Character.MAX_CODE_POINT)
            .mix(integers().between(Character.MIN_SURROGATE, Character.MAX_SURROGATE), 25);
    Gen<String> unicode = lists().of(codePoints).ofSizeBetween(0, 6).map(cps -> {
      StringBuilder s = new StringBuilder();
      cps.forEach(s::appendCodePoint);
      return s.toString();
    });
    return ascii.mix(unicode);
  }

  static Gen<List<Header>> headers(boolean wellFormedKeys) {
    Gen<Header> header = headerKeys(wellFormedKeys).zip(nullable(byteArrays(64)),
        (String k, byte[] v) -> Header.of(k, v));
    return lists().of(header).ofSizeBetween(0, 4);
  }

  /**
   * Timestamps: near one instant (small deltas of either sign), anywhere in [0, Long.MAX_VALUE]
   * (huge deltas), and, if allowed, {@link ProducerRecord#NO_TIMESTAMP}.
   */
  static Gen<Long> timestamps(boolean allowNone) {
    Gen<Long> near = longs().between(APPEND_TIME - 100_000, APPEND_TIME + 100_000);
    Gen<Long> any = near.mix(longs().between(0, Long.MAX_VALUE), 30);
    return allowNone ? any.mix(Generate.constant(ProducerRecord.NO_TIMESTAMP), 15) : any;
  }

  /**
   * @param allowNoTimestamp whether some records have {@link ProducerRecord#NO_TIMESTAMP}
   * @param wellFormedKeys whether header keys are valid UTF-16 (no unpaired surrogates)
   */
  static Gen<ProducerRecord> records(boolean allowNoTimestamp, boolean wellFormedKeys) {
    Gen<byte[]> keys = nullable(byteArrays(2048));
    Gen<byte[]> values = nullable(byteArrays(2048));
    Gen<Long> timestamps = timestamps(allowNoTimestamp);
    Gen<List<Header>> headers = headers(wellFormedKeys);
    return rs -> ProducerRecord.builder()
        .key(keys.generate(rs))
        .value(values.generate(rs))
        .timestamp(timestamps.generate(rs))
        .headers(headers.generate(rs))
        .build();
  }

  static Gen<List<ProducerRecord>> recordLists(boolean allowNoTimestamp, boolean wellFormedKeys) {
    return lists().of(records(allowNoTimestamp, wellFormedKeys)).ofSizeBetween(1, 8);
  }
}
