package io.samsa.testkit.model;

import io.samsa.Header;
import io.samsa.ProducerRecord;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A record to append in a scenario.
 *
 * @param key the key, or null
 * @param value the value, or null
 * @param timestampShift null to let the store stamp the record; else its timestamp is the
 *     clock's time at the append plus this many milliseconds (negative is the past)
 * @param headers the headers
 */
public record RecordSpec(byte[] key, byte[] value, Long timestampShift, List<Header> headers) {
  public RecordSpec {
    headers = List.copyOf(headers);
  }

  ProducerRecord toRecord(long now) {
    return ProducerRecord.builder().key(key).value(value)
        .timestamp(timestampShift == null ? ProducerRecord.NO_TIMESTAMP : now + timestampShift)
        .headers(headers).build();
  }

  @Override
  public String toString() {
    return "{key=" + describe(key) + ", value=" + describe(value)
        + (timestampShift == null ? "" : ", ts=now" + (timestampShift >= 0 ? "+" : "") + timestampShift)
        + (headers.isEmpty() ? "" : ", headers=" + headers.stream().map(Header::key)
            .collect(Collectors.joining(",", "[", "]"))) + "}";
  }

  private static String describe(byte[] b) {
    return b == null ? "null" : b.length + "B";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordSpec r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
        && java.util.Objects.equals(timestampShift, r.timestampShift) && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
  }
}
