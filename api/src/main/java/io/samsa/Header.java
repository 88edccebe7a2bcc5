package io.samsa;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record header: a non-null string key and a value that may be {@code null}.
 *
 * <p>Headers are stored as Kafka stores them: the key as UTF-8, the value as raw bytes. The value
 * array is not copied; do not modify it after handing it to Samsa.
 */
public final class Header {
  private final String key;
  private final byte[] value;

  private Header(String key, byte[] value) {
    this.key = Objects.requireNonNull(key, "header key must not be null");
    this.value = value;
  }

  /** A header with the given key and value ({@code value} may be {@code null}). */
  public static Header of(String key, byte[] value) {
    return new Header(key, value);
  }

  /** A header whose value is the UTF-8 encoding of {@code value} ({@code null} stays null). */
  public static Header of(String key, String value) {
    return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  public String key() {
    return key;
  }

  /** The value bytes, or {@code null}; the array is shared, not copied. */
  public byte[] value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + Bytes.describe(value);
  }
}
