package io.samsa.harness;

import io.samsa.LogRecord;
import io.samsa.ProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The one record that belongs at each offset of each partition, derived from a seed: whoever
 * wrote a log with it and whoever reads the log back agree on every byte without talking to each
 * other. A writer appends {@code record(p, logEndOffset)}, {@code record(p, logEndOffset + 1)},
 * ...; a reader checks that the record at offset {@code o} is {@code record(p, o)}.
 *
 * <p>Records are recognisable when something goes wrong: the key is {@code p<partition>-o<offset>},
 * a header repeats the offset, and the value is pseudo-random bytes (mostly small, some a few
 * kilobytes, a few tens of kilobytes so that writes span pages), occasionally {@code null}.
 * Timestamps rise with the offset, with a little jitter, so that timestamp lookups have work to do.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordModel {
  /** The timestamp of offset 0; later offsets are a few milliseconds later each. */
  public static final long BASE_TIMESTAMP = 1_700_000_000_000L;
  /** The largest value a record gets; a batch of one such record fits a 64 KiB batch limit. */
  public static final int MAX_VALUE_BYTES = 32 * 1024;

  private final long seed;

  public RecordModel(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** The record that belongs at {@code offset} of {@code partition}. */
  public ProducerRecord record(int partition, long offset) {
    SplittableRandom r = random(partition, offset);
    int size = valueSize(r);
    byte[] value = null;
    if (size >= 0) {
      value = new byte[size];
      for (int i = 0; i < size; i += 8) {
        long bits = r.nextLong();
        for (int j = i; j < Math.min(size, i + 8); j++) {
          value[j] = (byte) bits;
          bits >>>= 8;
        }
      }
    }
    ProducerRecord.Builder b = ProducerRecord.builder()
        .key(key(partition, offset))
        .value(value)
        .timestamp(timestamp(offset, r))
        .header("offset", Long.toString(offset));
    if (r.nextInt(8) == 0) {
      b.header("empty", (byte[]) null);
    }
    return b.build();
  }

  /** The records for offsets {@code [from, from + count)} of {@code partition}. */
  public List<ProducerRecord> records(int partition, long from, int count) {
    List<ProducerRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(record(partition, from + i));
    }
    return out;
  }

  /** The bytes of the value at {@code offset}, or -1 for a null value (cheaper than {@link #record}). */
  public int valueSize(int partition, long offset) {
    return valueSize(random(partition, offset));
  }

  /**
   * Whether {@code read}, read from {@code partition}, is exactly the record that belongs at its
   * offset: key, value, headers and timestamp.
   */
  public boolean matches(int partition, LogRecord read) {
    ProducerRecord want = record(partition, read.offset());
    return want.timestamp() == read.timestamp()
        && Arrays.equals(want.key(), read.key())
        && Arrays.equals(want.value(), read.value())
        && want.headers().equals(read.headers());
  }

  /** Why {@code read} does not match, for a failure message. */
  public String describeMismatch(int partition, LogRecord read) {
    ProducerRecord want = record(partition, read.offset());
    return "partition " + partition + " offset " + read.offset() + ": read " + read + ", expected "
        + want;
  }

  /** The key of a record: {@code p<partition>-o<offset>}. */
  public static byte[] key(int partition, long offset) {
    return ("p" + partition + "-o" + offset).getBytes(StandardCharsets.UTF_8);
  }

  private SplittableRandom random(int partition, long offset) {
    // A different stream per (seed, partition, offset): mix the three through one generator.
    long mixed = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (partition + 1))).nextLong() + offset;
    return new SplittableRandom(mixed * 0xBF58476D1CE4E5B9L + Objects.hash(partition));
  }

  private static int valueSize(SplittableRandom r) {
    int kind = r.nextInt(100);
    if (kind < 2) {
      return -1;
    }
    if (kind < 82) {
      return r.nextInt(200);
    }
    if (kind < 97) {
      return 200 + r.nextInt(3800);
    }
    return 8 * 1024 + r.nextInt(MAX_VALUE_BYTES - 8 * 1024 + 1);
  }

  private static long timestamp(long offset, SplittableRandom r) {
    return BASE_TIMESTAMP + offset * 3 + r.nextInt(5);
  }
}
