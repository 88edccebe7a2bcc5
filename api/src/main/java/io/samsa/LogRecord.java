package io.samsa;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A record read back from a log: what was appended, with the offset the log assigned to it and
 * the timestamp it was stored with.
 */
public final class LogRecord {
  private final long offset;
  private final long timestamp;
  private final byte[] key;
  private final byte[] value;
  private final List<Header> headers;

  /** Used by the engine; applications receive instances from reads. */
  public LogRecord(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
    this.headers = List.copyOf(headers);
  }

  public long offset() {
    return offset;
  }

  /** Milliseconds since the epoch. */
  public long timestamp() {
    return timestamp;
  }

  /** The key, or {@code null}. The array belongs to the caller. */
  public byte[] key() {
    return key;
  }

  /** The value, or {@code null}. The array belongs to the caller. */
  public byte[] value() {
    return value;
  }

  public List<Header> headers() {
    return headers;
  }

  /** This record as a {@link ProducerRecord} with its stored timestamp, for example to append it elsewhere. */
  public ProducerRecord toProducerRecord() {
    return ProducerRecord.builder().key(key).value(value).timestamp(timestamp).headers(headers).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r
        && offset == r.offset
        && timestamp == r.timestamp
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, timestamp, Arrays.hashCode(key), Arrays.hashCode(value), headers);
  }

  @Override
  public String toString() {
    return "LogRecord{offset=" + offset + ", timestamp=" + timestamp + ", key=" + Bytes.describe(key)
        + ", value=" + Bytes.describe(value) + (headers.isEmpty() ? "" : ", headers=" + headers) + '}';
  }
}
