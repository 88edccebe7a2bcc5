package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import com.sun.management.ThreadMXBean;
import io.samsa.CorruptRecordException;
import io.samsa.LogRecord;
import io.samsa.SamsaException;
import io.samsa.UnsupportedCompressionException;
import io.samsa.harness.HostileBatches.Hostile;
import io.samsa.harness.HostileBatches.RefusedBy;
import io.samsa.spi.CorruptCheckpointException;
import io.samsa.spi.LeaderEpoch;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.format.BatchScanner;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.CheckpointFormat;
import io.samsa.spi.format.PositionalReader;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.samsa.LogStore;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.core.internal.log.PartitionLog;
import java.nio.file.Path;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Hostile bytes fed to the batch format's readers: {@link BatchValidator}, {@link
 * RecordBatchDecoder}, {@link BatchScanner} (recovery's scan, and the scan that finds a read's
 * range) and {@link CheckpointFormat}. Inputs are QuickTheories-generated random bytes and valid
 * batches mutated ({@link HostileBatches}): bit flips, length fields set to huge, negative and
 * off-by-a-few values, truncation, record counts and offset deltas that lie, runaway varints,
 * compression bits, wrong magic.
 *
 * <p>For every input: only a clean {@link CorruptRecordException} (or the documented {@link
 * UnsupportedCompressionException}); never another exception, an {@code OutOfMemoryError} (the
 * heap a call allocates is bounded by a small multiple of its input), or an endless loop (each
 * call runs under a generous preemptive timeout); and never a silently accepted batch: what must
 * be refused is refused by the one that must refuse it, and what is accepted decodes consistently
 * with its header.
 *
 * <p>The follower's append path ({@code PartitionLog.appendAsFollower}, which takes a leader's
 * raw batches) gets the same inputs, on a real file-backed log: what the validator must refuse it
 * refuses with a CorruptRecordException and appends nothing; what it accepts is read back either
 * as exactly the records the batch decodes to. The follower path checks the records inside too,
 * not only frame and CRC: a batch whose CRC holds over records that lie is refused at the append
 * rather than stored and then refused by every read; the figures count those apart.
 *
 * <p>{@code -Dsamsa.harness.hostile=N} inputs per property (default 2,500), {@code
 * -Dsamsa.harness.seed=S} to repeat a run.
 */
class HostileBytesTest {
  static final int INPUTS = Integer.getInteger("samsa.harness.hostile", 2500);
  static final Long SEED = Long.getLong("samsa.harness.seed");
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final Map<String, AtomicLong> TRIED = new java.util.TreeMap<>();
  private static final Map<RefusedBy, Map<String, AtomicLong>> VERDICTS = new EnumMap<>(RefusedBy.class);

  private static org.quicktheories.dsl.TheoryBuilder<Hostile> theory(Gen<Hostile> gen) {
    var qt = qt().withExamples(INPUTS).withShrinkCycles(50);
    if (SEED != null) {
      qt = qt.withFixedSeed(SEED);
    }
    return qt.forAll(gen);
  }

  @AfterAll
  static void printFigures() {
    long total = TRIED.values().stream().mapToLong(AtomicLong::get).sum();
    System.out.println("[crash-harness] hostile inputs tried=" + total + " " + TRIED + "; verdicts by who "
        + "must refuse: " + VERDICTS);
  }

  private static void count(String property) {
    synchronized (TRIED) {
      TRIED.computeIfAbsent(property, k -> new AtomicLong()).incrementAndGet();
    }
  }

  private static void verdict(RefusedBy must, String what) {
    synchronized (TRIED) {
      VERDICTS.computeIfAbsent(must, k -> new java.util.TreeMap<>())
          .computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void validateAndDecode_hostileBatch_refusedCleanlyOrDecodedConsistently() {
    theory(HostileBatches.hostile()).checkAssert(h -> {
      count("validate+decode");
      assertTimeoutPreemptively(TIMEOUT, () -> boundedAllocation(h.bytes().length, () -> judge(h)),
          () -> "no answer within " + TIMEOUT + " for " + h);
    });
  }

  /** Validates and decodes one input placed at a random spot of a larger buffer. */
  private static void judge(Hostile h) {
    SplittableRandom r = new SplittableRandom(h.seed() ^ 0x5DEECE66DL);
    int pad = r.nextInt(3) == 0 ? r.nextInt(64) : 0;
    ByteBuffer buf = r.nextInt(4) == 0 ? ByteBuffer.allocateDirect(pad + h.bytes().length + 32)
        : ByteBuffer.allocate(pad + h.bytes().length + 32);
    for (int i = 0; i < buf.capacity(); i++) {
      buf.put(i, (byte) r.nextInt()); // junk around the input, never to be read
    }
    buf.put(pad, h.bytes());
    int available = h.bytes().length;
    Optional<String> problem = BatchValidator.check(buf, pad, available);
    int size;
    try {
      size = BatchValidator.ensureValid(buf, pad, available, "hostile", 7);
    } catch (CorruptRecordException | UnsupportedCompressionException e) {
      assertTrue(problem.isPresent(), "ensureValid refused what check accepted: " + e + " for " + h);
      assertTrue(e.getMessage().contains("source=hostile") || e.getMessage().contains("hostile"),
          "the exception names its source: " + e.getMessage());
      verdict(h.refusedBy(), "validator refused");
      return;
    }
    assertTrue(problem.isEmpty(), "check refused what ensureValid accepted: " + problem + " for " + h);
    assertTrue(size >= RecordBatchDescriptor.HEADER_SIZE && size <= available, "batch size " + size
        + " outside the input of " + available + " bytes: " + h);
    if (h.refusedBy() == RefusedBy.VALIDATOR) {
      fail("SILENTLY ACCEPTED by the validator: " + h);
    }
    List<LogRecord> out = new ArrayList<>();
    try {
      RecordBatchDecoder.decode(buf, pad, Long.MIN_VALUE, out, "hostile", 7);
    } catch (CorruptRecordException e) {
      assertTrue(e.source().equals("hostile") && e.position() == 7, "names its source: " + e);
      try {
        RecordBatchDecoder.checkRecords(buf, pad, "hostile", 7);
        fail("decode refused what checkRecords accepted: " + e + " for " + h);
      } catch (CorruptRecordException expected) {
        // they agree
      }
      verdict(h.refusedBy(), "decoder refused");
      return;
    }
    if (h.refusedBy() == RefusedBy.DECODER) {
      fail("SILENTLY ACCEPTED by the decoder: " + h + " decoded to " + out);
    }
    RecordBatchDecoder.checkRecords(buf, pad, "hostile", 7);
    long base = RecordBatchDescriptor.baseOffset(buf, pad);
    long last = RecordBatchDescriptor.lastOffset(buf, pad);
    assertEquals(RecordBatchDescriptor.recordsCount(buf, pad), out.size(), "records decoded vs recordsCount: " + h);
    long bytes = 0;
    long previous = base - 1;
    for (LogRecord rec : out) {
      assertTrue(rec.offset() > previous && rec.offset() <= last, "offset " + rec.offset()
          + " out of order or outside [" + base + ", " + last + "]: " + h);
      previous = rec.offset();
      bytes += (rec.key() == null ? 0 : rec.key().length) + (rec.value() == null ? 0 : rec.value().length);
      for (io.samsa.Header hd : rec.headers()) {
        bytes += hd.key().length() + (hd.value() == null ? 0 : hd.value().length);
      }
    }
    assertTrue(bytes <= size, "decoded more bytes than the batch holds: " + h);
    if (h.original() != null && h.refusedBy() == RefusedBy.NONE && java.util.Arrays.equals(
        java.util.Arrays.copyOfRange(h.bytes(), RecordBatchDescriptor.ATTRIBUTES_OFFSET, h.bytes().length),
        java.util.Arrays.copyOfRange(h.original(), RecordBatchDescriptor.ATTRIBUTES_OFFSET, h.original().length))) {
      // Only the base offset or the epoch changed: the same records, at shifted offsets.
      List<LogRecord> want = RecordBatchDecoder.decode(ByteBuffer.wrap(h.original()), 0, "original", 0);
      assertEquals(want.size(), out.size(), h.toString());
      for (int i = 0; i < out.size(); i++) {
        assertTrue(java.util.Arrays.equals(want.get(i).value(), out.get(i).value())
            && java.util.Arrays.equals(want.get(i).key(), out.get(i).key()), "record " + i + " changed: " + h);
      }
    }
    verdict(h.refusedBy(), "accepted");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void appendAsFollower_hostileBatch_refusedCleanlyOrStoredAndReadBackConsistently(@TempDir Path dir) {
    try (LogStore store = Samsa.builder(dir).backend("file").open()) {
      store.createTopic("follower", 1, TopicConfig.builder().segmentBytes(256 * 1024)
          .retentionTime(TopicConfig.FOREVER).build());
      PartitionLog log = (PartitionLog) store.log(new TopicPartition("follower", 0));
      theory(HostileBatches.hostile()).checkAssert(h -> {
        count("follower append");
        assertTimeoutPreemptively(TIMEOUT, () -> boundedAllocation(h.bytes().length, () -> judgeFollower(log, h)),
            () -> "no answer within " + TIMEOUT + " for " + h);
      });
    }
  }

  /**
   * One input through the follower's append. The base offset and leader epoch (outside the CRC)
   * are set to the log's end and epoch first, so that what is tested is the batch, not the
   * sequence check.
   */
  private static void judgeFollower(PartitionLog log, Hostile h) {
    byte[] bytes = h.bytes().clone();
    long end = log.logEndOffset();
    if (bytes.length >= RecordBatchDescriptor.MAGIC_OFFSET) {
      ByteBuffer.wrap(bytes).putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, end)
          .putInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, 0);
    }
    boolean valid = BatchValidator.check(ByteBuffer.wrap(bytes), 0, bytes.length).isEmpty()
        && RecordBatchDescriptor.batchSize(ByteBuffer.wrap(bytes), 0) == bytes.length;
    boolean recordsOk = valid && recordsWellFormed(bytes);
    long after;
    try {
      after = log.appendAsFollower(ByteBuffer.wrap(bytes));
    } catch (CorruptRecordException | UnsupportedCompressionException e) {
      assertEquals(end, log.logEndOffset(), "a refused fetch appended something: " + h);
      assertTrue(e.getMessage().contains("follower-0"), "the exception names the partition: " + e.getMessage());
      verdict(h.refusedBy(), !valid ? "follower refused" : recordsOk ? "follower refused (sequence)"
          : "follower refused (records that lie under a good CRC)");
      return;
    }
    if (bytes.length == 0) {
      assertEquals(end, after, "an empty fetch appended something");
      verdict(h.refusedBy(), "follower: empty fetch, nothing appended");
      return;
    }
    assertTrue(valid, "SILENTLY ACCEPTED by the follower append: a batch that fails its checksum or frame: " + h);
    assertTrue(after > end, "an accepted batch appended nothing: " + h);
    assertTrue(recordsOk, "STORED by the follower append: a batch whose records are malformed: " + h);
    List<LogRecord> back = log.read(end, bytes.length + 1).records();
    List<LogRecord> want = RecordBatchDecoder.decode(ByteBuffer.wrap(bytes), 0, "input", 0);
    assertEquals(want.size(), back.size(), "records read back vs the batch's: " + h);
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).offset(), back.get(i).offset(), h.toString());
      assertTrue(java.util.Arrays.equals(want.get(i).value(), back.get(i).value())
          && java.util.Arrays.equals(want.get(i).key(), back.get(i).key()), "record " + i + " changed: " + h);
    }
    verdict(h.refusedBy(), "follower accepted, read back the same");
  }

  private static boolean recordsWellFormed(byte[] bytes) {
    try {
      RecordBatchDecoder.checkRecords(ByteBuffer.wrap(bytes), 0, "input", 0);
      return true;
    } catch (CorruptRecordException | UnsupportedCompressionException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A log of valid batches, one of which was mutated. */
  record HostileLog(long seed, byte[] bytes, List<long[]> batches, int mutated, Hostile mutation) {
    long start(int i) {
      return i < batches.size() ? batches.get(i)[0] : bytes.length;
    }

    long base(int i) {
      return batches.get(i)[1];
    }

    @Override
    public String toString() {
      return "log of " + batches.size() + " batches (seed " + seed + "), batch " + mutated + " at byte "
          + start(mutated) + ": " + mutation;
    }
  }

  static Gen<HostileLog> hostileLogs() {
    return Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE).map(seed -> {
      SplittableRandom r = new SplittableRandom(seed);
      int n = 1 + r.nextInt(8);
      int mutated = r.nextInt(n);
      List<long[]> batches = new ArrayList<>();
      ByteBuffer log = ByteBuffer.allocate(1 << 20);
      long next = HostileBatches.BASE_OFFSET;
      int epoch = -1;
      Hostile mutation = null;
      for (int i = 0; i < n; i++) {
        epoch += r.nextInt(4) == 0 ? 1 : 0;
        byte[] b = HostileBatches.validBatch(r, next, epoch);
        long last = next + ByteBuffer.wrap(b).getInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
        batches.add(new long[] {log.position(), next});
        if (i == mutated) {
          mutation = HostileBatches.mutate(seed, r, b);
          b = mutation.bytes();
          if (mutation.kind().startsWith("truncated")) {
            log.put(b);
            break; // a torn tail: nothing after it
          }
        }
        log.put(b);
        next = last + 1;
      }
      byte[] bytes = new byte[log.position()];
      log.flip().get(bytes);
      return new HostileLog(seed, bytes, batches, mutated, mutation);
    });
  }

  @Test
  void recoveryScan_logWithAHostileBatch_keepsExactlyTheIntactPrefix() {
    qtLogs().checkAssert(l -> {
      count("recovery scan");
      assertTimeoutPreemptively(TIMEOUT, () -> boundedAllocation(l.bytes().length,
          () -> judgeRecovery(l)), () -> "no answer within " + TIMEOUT + " for " + l);
    });
  }

  private static void judgeRecovery(HostileLog l) throws IOException {
    List<Long> visited = new ArrayList<>();
    BatchScanner.ScanResult r = BatchScanner.recover(PositionalReader.of(ByteBuffer.wrap(l.bytes())), 0,
        l.bytes().length, HostileBatches.BASE_OFFSET,
        (position, size, base, last, maxTs, epoch) -> visited.add(position));
    long cut = l.start(l.mutated());
    assertTrue(r.validEnd() <= l.bytes().length, "valid end past the bytes: " + r + " for " + l);
    for (int i = 0; i < visited.size(); i++) {
      assertEquals(l.start(i), (long) visited.get(i), "batch " + i + " visited at its start: " + l);
    }
    // Every batch kept passes the validator: nothing that fails its CRC or frame is kept.
    ByteBuffer buf = ByteBuffer.wrap(l.bytes());
    for (int i = 0; i < visited.size(); i++) {
      long from = visited.get(i);
      assertTrue(BatchValidator.check(buf, (int) from, (int) (r.validEnd() - from)).isEmpty(),
          "recovery kept batch " + i + ", which fails validation: " + l);
    }
    String kind = l.mutation().kind();
    boolean epochFlip = kind.startsWith("flip") && isEpochByte(kind);
    if (l.mutation().refusedBy() == RefusedBy.VALIDATOR || kind.startsWith("flip") && isBaseOffsetByte(kind)) {
      assertEquals(cut, r.validEnd(), "recovery must cut exactly at the damaged batch: " + r + " for " + l);
      assertEquals(l.base(l.mutated()), r.nextOffset(), "next offset after the cut: " + l);
      assertTrue(r.problem().isPresent() || r.validEnd() == l.bytes().length, "a cut says why: " + l);
      verdict(l.mutation().refusedBy(), "recovery cut at the damaged batch");
    } else if (epochFlip) {
      // Outside the CRC; only an epoch going back is seen, at this batch or the next.
      assertTrue(r.validEnd() == cut || r.validEnd() == l.start(l.mutated() + 1) || r.validEnd() == l.bytes().length,
          "an epoch flip: cut at " + r.validEnd() + " for " + l);
      verdict(RefusedBy.NONE, "epoch flip, cut at " + (r.validEnd() == cut ? "it" : "a later batch or not at all"));
    } else {
      assertTrue(r.validEnd() >= cut, "recovery cut intact batches before the damaged one: " + r + " for " + l);
      verdict(l.mutation().refusedBy(), "recovery kept the batch (no decoding in a scan)");
    }
  }

  private static boolean isEpochByte(String kind) {
    int at = Integer.parseInt(kind.substring(kind.lastIndexOf(' ') + 1));
    return at >= RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET && at < RecordBatchDescriptor.MAGIC_OFFSET;
  }

  private static boolean isBaseOffsetByte(String kind) {
    int at = Integer.parseInt(kind.substring(kind.lastIndexOf(' ') + 1));
    return at < RecordBatchDescriptor.LENGTH_OFFSET;
  }

  @Test
  void locateAndPositionOf_logWithAHostileBatch_answerOrRefuseCleanly() {
    qtLogs().checkAssert(l -> {
      count("locate+positionOf");
      assertTimeoutPreemptively(TIMEOUT, () -> boundedAllocation(l.bytes().length, () -> judgeLocate(l)),
          () -> "no answer within " + TIMEOUT + " for " + l);
    });
  }

  private static void judgeLocate(HostileLog l) throws IOException {
    SplittableRandom r = new SplittableRandom(l.seed());
    PositionalReader src = PositionalReader.of(ByteBuffer.wrap(l.bytes()));
    long limit = l.bytes().length;
    for (int i = 0; i < 6; i++) {
      long from = r.nextBoolean() ? 0 : r.nextInt(Math.max(1, (int) limit));
      long start = HostileBatches.BASE_OFFSET + r.nextInt(200) - 5;
      int maxBytes = r.nextInt(3) == 0 ? 0 : r.nextInt(1 << 16);
      try {
        BatchScanner.Range range = BatchScanner.locate(src, "hostile", from, start, HostileBatches.BASE_OFFSET,
            limit, start, Long.MAX_VALUE, maxBytes);
        if (range == null) {
          assertTrue(from != 0, "locate from the segment start must answer, not ask for a rescan: " + l);
        } else {
          assertTrue(range.position() >= 0 && range.size() >= 0 && range.position() + range.size() <= limit,
              "range " + range + " outside the bytes: " + l);
        }
      } catch (CorruptRecordException e) {
        assertEquals("hostile", e.source());
      }
      long p = BatchScanner.positionOf(src, from, limit, start);
      assertTrue(p == -1 || p >= from && p < limit, "positionOf answered " + p + ": " + l);
    }
  }

  private org.quicktheories.dsl.TheoryBuilder<HostileLog> qtLogs() {
    var qt = qt().withExamples(INPUTS).withShrinkCycles(50);
    if (SEED != null) {
      qt = qt.withFixedSeed(SEED);
    }
    return qt.forAll(hostileLogs());
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void checkpointDecode_hostileText_refusedWithCorruptCheckpointOnly() {
    Gen<long[]> seeds = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE).map(s -> new long[] {s});
    var qt = qt().withExamples(INPUTS).withShrinkCycles(50);
    if (SEED != null) {
      qt = qt.withFixedSeed(SEED);
    }
    qt.forAll(seeds).checkAssert(s -> {
      count("checkpoint decode");
      SplittableRandom r = new SplittableRandom(s[0]);
      byte[] valid = CheckpointFormat.encode(randomCheckpoint(r));
      boolean crcFixed = r.nextBoolean();
      byte[] hostile = crcFixed ? lyingCheckpoint(r, valid) : damaged(r, valid);
      assertTimeoutPreemptively(TIMEOUT, () -> {
        try {
          PartitionCheckpoint cp = CheckpointFormat.decode(hostile, "hostile.checkpoint");
          if (!crcFixed && !java.util.Arrays.equals(hostile, valid)) {
            fail("SILENTLY ACCEPTED a damaged checkpoint: " + new String(hostile, StandardCharsets.ISO_8859_1));
          }
          assertTrue(cp.recoveryPoint() >= 0 && cp.logStartOffset() >= 0, "negative offsets accepted: " + cp);
          verdict(RefusedBy.NONE, "checkpoint accepted");
        } catch (CorruptCheckpointException e) {
          assertTrue(e.getMessage().contains("hostile.checkpoint"), e.getMessage());
          verdict(crcFixed ? RefusedBy.NONE : RefusedBy.VALIDATOR, "checkpoint refused");
        } catch (SamsaException e) {
          fail("a checkpoint refused with " + e.getClass().getSimpleName() + " instead of "
              + "CorruptCheckpointException: " + e);
        }
      }, () -> "no answer for a checkpoint of seed " + s[0]);
    });
  }

  private static PartitionCheckpoint randomCheckpoint(SplittableRandom r) {
    List<LeaderEpoch> epochs = new ArrayList<>();
    long start = 0;
    for (int e = r.nextInt(4); e > 0; e--) {
      start += r.nextInt(1000);
      epochs.add(new LeaderEpoch(epochs.size() * 2, start));
    }
    long rp = r.nextLong(1L << 40);
    return new PartitionCheckpoint(rp, r.nextLong(rp + 1), rp, epochs);
  }

  /** Flipped, truncated or extended bytes, the checksum line left as it was. */
  private static byte[] damaged(SplittableRandom r, byte[] valid) {
    byte[] b = valid.clone();
    switch (r.nextInt(3)) {
      case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
      case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
      default -> {
        b = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(10));
        for (int i = valid.length; i < b.length; i++) {
          b[i] = (byte) r.nextInt();
        }
      }
    }
    return b;
  }

  /** A checkpoint whose text lies (huge or negative numbers, wrong counts) under a valid checksum. */
  private static byte[] lyingCheckpoint(SplittableRandom r, byte[] valid) {
    String text = new String(valid, StandardCharsets.US_ASCII);
    String body = text.substring(0, text.lastIndexOf("crc32c "));
    String[] lies = {"99999999999999999999", "-1", "-9223372036854775808", "2147483648", "x", "", " 1",
        "1e3", "0x10", "9223372036854775807"};
    String lie = lies[r.nextInt(lies.length)];
    String[] lines = body.split("\n", -1);
    int line = r.nextInt(Math.max(1, lines.length - 1));
    String l = lines[line];
    int space = l.lastIndexOf(' ');
    lines[line] = r.nextBoolean() && space >= 0 ? l.substring(0, space + 1) + lie : lie + (space >= 0 ? l.substring(space) : "");
    String newBody = String.join("\n", lines);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    byte[] bodyBytes = newBody.getBytes(StandardCharsets.US_ASCII);
    crc.update(bodyBytes);
    return (newBody + "crc32c " + Long.toHexString(crc.getValue()) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------------------------------------

  interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} and checks the heap it allocated on this thread stays within a bound set by
   * the input's size: a length field believed before it is checked would allocate far more.
   */
  private static void boundedAllocation(int inputBytes, Body body) throws Exception {
    // Per input byte: records, their arrays and lists (a record can take 7 bytes and its objects
    // a few hundred), and the exceptions' messages. Per call: scanners' windows, JIT and class
    // loading noise (4.5 MB was once seen for a 4 KB input). A length field believed before it is
    // checked would take up to 2 GB, far above this.
    long limit = 256L * inputBytes + (16 << 20);
    long before = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    try {
      body.run();
    } catch (OutOfMemoryError e) {
      fail("OutOfMemoryError on an input of " + inputBytes + " bytes", e);
    }
    long used = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertTrue(used <= limit, "allocated " + used + " bytes for an input of " + inputBytes + " (bound " + limit + ")");
  }
}
