package io.samsa.harness;

import static io.samsa.spi.format.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.samsa.spi.format.RecordBatchDescriptor.HEADER_SIZE;
import static io.samsa.spi.format.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.samsa.spi.format.RecordBatchDescriptor.LENGTH_OFFSET;
import static io.samsa.spi.format.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.samsa.spi.format.RecordBatchDescriptor.RECORDS_COUNT_OFFSET;

import io.samsa.ProducerRecord;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.spi.format.RecordBatchEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Hostile record batches: random bytes, and valid batches mutated the ways a bad disk, a bad
 * network or a malicious peer would (bit flips, lying length fields, truncation, lying record
 * counts, runaway varints, lying offset deltas, compression bits), each labelled with what was
 * done and whether a correct reader <em>must</em> refuse it.
 *
 * <p>Every input is derived from one {@code long} seed (what QuickTheories generates), so a failure
 * prints an input that can be rebuilt exactly: {@code HostileBatches.build(seed)}.
 */
final class HostileBatches {
  private HostileBatches() {}

  /** The segment base offset every generated batch (and log) starts from. */
  static final long BASE_OFFSET = 1_000;

  /**
   * One hostile input.
   *
   * @param seed what it was built from
   * @param kind the mutation
   * @param bytes the bytes
   * @param refusedBy who must refuse it
   * @param original the valid batch it was made from, or null for random bytes
   */
  record Hostile(long seed, String kind, byte[] bytes, RefusedBy refusedBy, byte[] original) {
    @Override
    public String toString() {
      return kind + " (seed " + seed + ", " + bytes.length + " bytes, refused by: " + refusedBy + "): "
          + hex(bytes, 96);
    }
  }

  /** Who must refuse an input. */
  enum RefusedBy {
    /**
     * {@code BatchValidator}: the frame is broken, a CRC-covered byte changed without the CRC, or
     * a header field the CRC covers is illegal (compression, offsets not dense).
     */
    VALIDATOR,
    /** {@code RecordBatchDecoder}: the header and CRC hold, but the records lie about their structure. */
    DECODER,
    /** Nobody necessarily: it may be a different, valid batch (or only the log's sequence checks see it). */
    NONE
  }

  /** A generator of hostile inputs; shrinking works on the seed, and so does not shrink much. */
  static Gen<Hostile> hostile() {
    return Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE).map(HostileBatches::build);
  }

  static Hostile build(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    if (r.nextInt(100) < 8) {
      byte[] b = new byte[r.nextInt(r.nextBoolean() ? 80 : 2000)];
      fill(r, b);
      return new Hostile(seed, "random bytes", b, RefusedBy.VALIDATOR, null);
    }
    return mutate(seed, r, validBatch(r, BASE_OFFSET, r.nextBoolean() ? -1 : r.nextInt(50)));
  }

  /** One of the mutations of a valid batch, chosen by {@code r}. */
  static Hostile mutate(long seed, SplittableRandom r, byte[] valid) {
    int kind = r.nextInt(92);
    if (kind < 6) {
      return randomBodyWithValidCrc(seed, r, valid);
    }
    if (kind < 32) {
      return bitFlips(seed, r, valid);
    }
    if (kind < 42) {
      return lengthLie(seed, r, valid);
    }
    if (kind < 50) {
      return truncation(seed, r, valid);
    }
    if (kind < 60) {
      return countLie(seed, r, valid);
    }
    if (kind < 68) {
      return varintOverflow(seed, r, valid);
    }
    if (kind < 80) {
      return overwriteRecordsWithValidCrc(seed, r, valid);
    }
    if (kind < 86) {
      return lastOffsetDeltaLie(seed, r, valid);
    }
    if (kind < 89) {
      return attributesLie(seed, r, valid);
    }
    return magicLie(seed, r, valid);
  }

  /** A valid batch of 1 to 30 records with keys, values and headers of random sizes. */
  static byte[] validBatch(SplittableRandom r, long baseOffset, int epoch) {
    int n = 1 + r.nextInt(r.nextBoolean() ? 3 : 30);
    List<ProducerRecord> records = new ArrayList<>(n);
    long ts = 1_700_000_000_000L + r.nextInt(1_000_000);
    for (int i = 0; i < n; i++) {
      ProducerRecord.Builder b = ProducerRecord.builder()
          .key(r.nextInt(5) == 0 ? null : bytes(r, r.nextInt(20)))
          .value(r.nextInt(10) == 0 ? null : bytes(r, r.nextInt(r.nextInt(10) == 0 ? 3000 : 120)))
          .timestamp(Math.max(0, ts + r.nextInt(20_000) - 10_000));
      for (int h = r.nextInt(4); h > 0; h--) {
        b.header("h" + r.nextInt(100), r.nextInt(4) == 0 ? null : bytes(r, r.nextInt(12)));
      }
      records.add(b.build());
    }
    long size = RecordBatchEncoder.batchSize(records, ts);
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    RecordBatchEncoder.encode(buf, records, baseOffset, epoch, ts);
    return buf.array();
  }

  private static Hostile randomBodyWithValidCrc(long seed, SplittableRandom r, byte[] valid) {
    // A believable header over random records: the decoder must walk garbage that passed the CRC.
    byte[] b = valid.clone();
    for (int i = HEADER_SIZE; i < b.length; i++) {
      b[i] = (byte) r.nextInt();
    }
    fixCrc(b);
    return new Hostile(seed, "random records under a valid CRC", b, RefusedBy.NONE, valid);
  }

  private static Hostile bitFlips(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    int flips = 1 + r.nextInt(3);
    // Within one byte: a burst of at most 8 bits, which CRC-32C always catches.
    int at = r.nextInt(b.length);
    int mask = 0;
    for (int i = 0; i < flips; i++) {
      mask |= 1 << r.nextInt(8);
    }
    b[at] ^= (byte) mask;
    // Outside the CRC, only the base offset and the leader epoch may change unnoticed by the
    // validator (the log's sequence checks watch them).
    boolean free = at < LENGTH_OFFSET || at >= RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET
        && at < MAGIC_OFFSET;
    return new Hostile(seed, "flip ^0x" + Integer.toHexString(mask) + " at byte " + at, b,
        free ? RefusedBy.NONE : RefusedBy.VALIDATOR, valid);
  }

  private static Hostile lengthLie(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    int real = ByteBuffer.wrap(valid).getInt(LENGTH_OFFSET);
    int[] choices = {Integer.MAX_VALUE, Integer.MAX_VALUE - 11, Integer.MIN_VALUE, -1, 0,
        RecordBatchDescriptor.MIN_BATCH_LENGTH - 1, real + 1 + r.nextInt(16), real - 1 - r.nextInt(16),
        r.nextInt(), 1 << 30};
    int lie = choices[r.nextInt(choices.length)];
    if (lie == real) {
      lie = real + 1;
    }
    ByteBuffer.wrap(b).putInt(LENGTH_OFFSET, lie);
    return new Hostile(seed, "batchLength " + real + " -> " + lie, b, RefusedBy.VALIDATOR, valid);
  }

  private static Hostile truncation(long seed, SplittableRandom r, byte[] valid) {
    int keep = r.nextInt(valid.length);
    return new Hostile(seed, "truncated to " + keep + " of " + valid.length + " bytes",
        Arrays.copyOf(valid, keep), RefusedBy.VALIDATOR, valid);
  }

  private static Hostile countLie(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    int real = ByteBuffer.wrap(valid).getInt(RECORDS_COUNT_OFFSET);
    int[] choices = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, real + 1, real - 1, real * 1000,
        r.nextInt()};
    int lie = choices[r.nextInt(choices.length)];
    ByteBuffer.wrap(b).putInt(RECORDS_COUNT_OFFSET, lie);
    fixCrc(b);
    return new Hostile(seed, "recordsCount " + real + " -> " + lie + " (CRC fixed)", b,
        lie != real ? RefusedBy.DECODER : RefusedBy.NONE, valid);
  }

  private static Hostile varintOverflow(long seed, SplittableRandom r, byte[] valid) {
    // A run of continuation bytes: at the first record's length (a varint that never ends within
    // five bytes: must be refused), or anywhere in the records (perhaps inside a value: may be a
    // different, valid batch). The batch stays framed and its CRC is fixed.
    byte[] b = valid.clone();
    boolean atLength = r.nextBoolean();
    int at = atLength ? HEADER_SIZE : HEADER_SIZE + r.nextInt(b.length - HEADER_SIZE);
    int run = atLength ? 5 + r.nextInt(8) : 1 + r.nextInt(12);
    for (int i = at; i < Math.min(b.length, at + run); i++) {
      b[i] = (byte) (0x80 | r.nextInt(128));
    }
    if (!atLength && at + run < b.length && r.nextBoolean()) {
      b[at + run] = (byte) r.nextInt(128); // end it, making a huge value
    }
    fixCrc(b);
    return new Hostile(seed, "varint run of " + run + " at byte " + at + " (CRC fixed)", b,
        atLength ? RefusedBy.DECODER : RefusedBy.NONE, valid);
  }

  private static Hostile overwriteRecordsWithValidCrc(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    int n = 1 + r.nextInt(4);
    StringBuilder what = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int at = HEADER_SIZE + r.nextInt(b.length - HEADER_SIZE);
      byte v = (byte) new int[] {0x00, 0x01, 0x7f, 0xff, 0x80, r.nextInt(256)}[r.nextInt(6)];
      b[at] = v;
      what.append(' ').append(at).append('=').append(v & 0xff);
    }
    fixCrc(b);
    return new Hostile(seed, "records overwritten" + what + " (CRC fixed)", b, RefusedBy.NONE, valid);
  }

  private static Hostile lastOffsetDeltaLie(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    int real = ByteBuffer.wrap(valid).getInt(LAST_OFFSET_DELTA_OFFSET);
    int[] choices = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, real + 1, real + 1 + r.nextInt(1000),
        Math.max(0, real - 1)};
    int lie = choices[r.nextInt(choices.length)];
    ByteBuffer.wrap(b).putInt(LAST_OFFSET_DELTA_OFFSET, lie);
    fixCrc(b);
    // Negative: the validator's. Below the records' deltas: the decoder's. Above them: a batch
    // with a hole at its end, which the format allows (Kafka's compaction leaves such batches).
    RefusedBy who = lie < 0 ? RefusedBy.VALIDATOR : lie < real ? RefusedBy.DECODER : RefusedBy.NONE;
    return new Hostile(seed, "lastOffsetDelta " + real + " -> " + lie + " (CRC fixed)", b, who, valid);
  }

  private static Hostile attributesLie(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    short attributes = (short) (1 + r.nextInt(7)); // a compression codec
    ByteBuffer.wrap(b).putShort(ATTRIBUTES_OFFSET, attributes);
    fixCrc(b);
    return new Hostile(seed, "attributes -> " + attributes + " (CRC fixed)", b, RefusedBy.VALIDATOR, valid);
  }

  private static Hostile magicLie(long seed, SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    b[MAGIC_OFFSET] = (byte) new int[] {0, 1, 3, -1, 127}[r.nextInt(5)];
    return new Hostile(seed, "magic -> " + b[MAGIC_OFFSET], b, RefusedBy.VALIDATOR, valid);
  }

  static void fixCrc(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    RecordBatchDescriptor.writeCrc(buf, 0, b.length);
  }

  static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    fill(r, b);
    return b;
  }

  private static void fill(SplittableRandom r, byte[] b) {
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) r.nextInt();
    }
  }

  static String hex(byte[] b, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, max); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s + (b.length > max ? "..." : "");
  }
}
