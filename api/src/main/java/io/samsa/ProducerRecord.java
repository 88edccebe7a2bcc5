package io.samsa;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A record to append: an optional key, an optional value, a timestamp and headers.
 *
 * <p>A record without a timestamp ({@link #NO_TIMESTAMP}) is stamped with the store's clock when
 * it is appended. Key and value arrays are not copied (as with Kafka's {@code ProducerRecord});
 * do not modify them until the append returns.
 *
 * <pre>{@code
 * ProducerRecord r = ProducerRecord.of("user-42", "clicked");
 * ProducerRecord h = ProducerRecord.builder().key(k).value(v).timestamp(t).header("trace", id).build();
 * }</pre>
 */
public final class ProducerRecord {
  /** The timestamp of a record that should be stamped at append time. */
  public static final long NO_TIMESTAMP = -1L;

  private final byte[] key;
  private final byte[] value;
  private final long timestamp;
  private final List<Header> headers;

  private ProducerRecord(byte[] key, byte[] value, long timestamp, List<Header> headers) {
    if (timestamp < 0 && timestamp != NO_TIMESTAMP) {
      throw new IllegalArgumentException(
          "record timestamp must be >= 0 (milliseconds since the epoch) or ProducerRecord.NO_TIMESTAMP: timestamp="
              + timestamp);
    }
    this.key = key;
    this.value = value;
    this.timestamp = timestamp;
    this.headers = headers;
  }

  /** A record with the given key and value (either may be {@code null}) and no headers. */
  public static ProducerRecord of(byte[] key, byte[] value) {
    return new ProducerRecord(key, value, NO_TIMESTAMP, List.of());
  }

  /** A record whose key and value are the UTF-8 encodings of the given strings. */
  public static ProducerRecord of(String key, String value) {
    return new ProducerRecord(utf8(key), utf8(value), NO_TIMESTAMP, List.of());
  }

  /** A record with no key. */
  public static ProducerRecord ofValue(byte[] value) {
    return new ProducerRecord(null, value, NO_TIMESTAMP, List.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The key, or {@code null}; shared, not copied. */
  public byte[] key() {
    return key;
  }

  /** The value, or {@code null}; shared, not copied. */
  public byte[] value() {
    return value;
  }

  /** Milliseconds since the epoch, or {@link #NO_TIMESTAMP}. */
  public long timestamp() {
    return timestamp;
  }

  /** The headers in order; never {@code null}. */
  public List<Header> headers() {
    return headers;
  }

  /** A copy of this record with the given timestamp. */
  public ProducerRecord withTimestamp(long timestamp) {
    return new ProducerRecord(key, value, timestamp, headers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProducerRecord r
        && timestamp == r.timestamp
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), timestamp, headers);
  }

  @Override
  public String toString() {
    return "ProducerRecord{key=" + Bytes.describe(key) + ", value=" + Bytes.describe(value)
        + (timestamp == NO_TIMESTAMP ? "" : ", timestamp=" + timestamp)
        + (headers.isEmpty() ? "" : ", headers=" + headers) + '}';
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** Builds a {@link ProducerRecord}. Not thread-safe. */
  public static final class Builder {
    private byte[] key;
    private byte[] value;
    private long timestamp = NO_TIMESTAMP;
    private final List<Header> headers = new ArrayList<>();

    private Builder() {}

    public Builder key(byte[] key) {
      this.key = key;
      return this;
    }

    public Builder key(String key) {
      this.key = utf8(key);
      return this;
    }

    public Builder value(byte[] value) {
      this.value = value;
      return this;
    }

    public Builder value(String value) {
      this.value = utf8(value);
      return this;
    }

    /** Milliseconds since the epoch; {@link ProducerRecord#NO_TIMESTAMP} stamps the record at append. */
    public Builder timestamp(long timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    public Builder header(String key, byte[] value) {
      headers.add(Header.of(key, value));
      return this;
    }

    public Builder header(String key, String value) {
      headers.add(Header.of(key, value));
      return this;
    }

    public Builder headers(List<Header> headers) {
      for (Header h : headers) {
        this.headers.add(Objects.requireNonNull(h, "header must not be null"));
      }
      return this;
    }

    /**
     * @throws IllegalArgumentException if the timestamp is negative and not {@link
     *     ProducerRecord#NO_TIMESTAMP}
     */
    public ProducerRecord build() {
      return new ProducerRecord(key, value, timestamp, List.copyOf(headers));
    }
  }
}
