package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.CorruptRecordException;
import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ReadResult;
import io.samsa.RecoveryReport;
import io.samsa.SamsaException;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corruption at rest: a store is written and closed cleanly, then one byte of one of its files is
 * flipped (seeded: the file, the byte, the bits), and the store is opened again, over and over.
 *
 * <h2>What the design promises, and so what is checked</h2>
 * A clean shutdown trusts its files: the next open scans no data, only the tail of each last
 * segment (its frames, not its checksums), and loads indexes lazily with a sanity check. A flip
 * in data is therefore found when the batch is read (its CRC-32C, or its frame and offsets, fail)
 * or, if it lies in the tail a scan touches, by recovery. So every trial checks, whatever the flip:
 * <ul>
 *   <li>no read ({@code read}, {@code transferTo}, {@code offsetForTimestamp}) ever returns a
 *       record, a raw byte or an offset that differs from what was written;
 *   <li>the only exceptions are {@link SamsaException}s that name the damaged file (a {@link
 *       CorruptRecordException} names the data file the bad batch is in);
 *   <li>no record is lost silently: a log shorter than written has a recovery report naming the
 *       file it cut, at or before the damaged batch; nothing is ever cut from an intact file;
 * </ul>
 * and, by what was damaged:
 * <ul>
 *   <li>a byte inside a batch ({@code .log}) is <em>detected</em>: reading the batch fails with a
 *       {@code CorruptRecordException}, or recovery cut it and said so. Every one must be. The
 *       one exception is the partition leader epoch, which Kafka's format leaves out of the CRC:
 *       those flips are counted apart: the epoch cannot be checked by the CRC, only by the rule
 *       that epochs never decrease along a log, which recovery applies (see {@code
 *       CorruptionRegressionTest#recover_leaderEpochFlipped_isCutOnlyWhereEpochsGoBack}). The
 *       figures count three regions of a batch apart: the bytes the CRC-32C covers (attributes to
 *       the end), the frame outside it (base offset, length, magic, the CRC itself: checked by the
 *       frame and offset checks), and the leader epoch;
 *   <li>a byte of an index ({@code .index}, {@code .timeindex}): every read and timestamp lookup
 *       still answers right (an index entry is checked against the batch it names before it is
 *       used), and no good record is reported corrupt;
 *   <li>a byte of a {@code partition.checkpoint}: the checksum fails and the partition is
 *       recovered in full, losing nothing;
 *   <li>a byte of {@code topic.metadata}: the store refuses to open, naming the file;
 *   <li>a byte of {@code meta.properties} (checksummed): the store refuses to open, naming the file,
 *       or (a flip in trailing white space) opens as before;
 *   <li>a byte of the clean-shutdown marker (checksummed): it is not believed, and every
 *       partition is recovered in full, losing nothing.
 * </ul>
 * Each trial also runs in one of three modes: as closed (clean), with the clean-shutdown marker
 * removed (the tail is scanned from the recovery point), or with the marker and the damaged
 * partition's checkpoint removed (the whole partition is scanned, so recovery meets every flip).
 *
 * <p>{@code -Dsamsa.harness.flips=N} trials per backend (default 150), {@code
 * -Dsamsa.harness.seed=S} to repeat a run.
 */
class CorruptionAtRestTest {
  static final int FLIPS = Integer.getInteger("samsa.harness.flips", 150);
  static final long SEED = Long.getLong("samsa.harness.seed", System.nanoTime());
  static final int PARTITIONS = 2;
  static final TopicConfig CONFIG = TopicConfig.builder()
      .segmentBytes(64 * 1024)
      .segmentIndexBytes(16 * 1024)
      .indexIntervalBytes(512)
      .retentionTime(TopicConfig.FOREVER)
      .build();

  private static final Map<String, Figures> FIGURES = new TreeMap<>();

  @TempDir Path tmp;

  /** What was damaged. */
  enum Target {
    DATA(".log", 48), OFFSET_INDEX(".index", 14), TIME_INDEX(".timeindex", 10),
    CHECKPOINT("partition.checkpoint", 9), TOPIC_METADATA("topic.metadata", 9),
    STORE_META("meta.properties", 5), CLEAN_MARKER(".samsa-clean-shutdown", 5);

    final String suffix;
    final int weight;

    Target(String suffix, int weight) {
      this.suffix = suffix;
      this.weight = weight;
    }

    static Target pick(SplittableRandom r) {
      int n = r.nextInt(100);
      for (Target t : values()) {
        if (n < t.weight) {
          return t;
        }
        n -= t.weight;
      }
      return DATA;
    }
  }

  /** How the store was left besides the flip. */
  enum Mode { CLEAN, UNCLEAN, NO_CHECKPOINT }

  /** How a flip showed itself. */
  enum Outcome {
    /** The store refused to open, naming the file. */
    REFUSED,
    /** Recovery cut the damaged batch and reported it. */
    CUT,
    /** Reading the damaged batch failed with a CorruptRecordException. */
    CORRUPT_ON_READ,
    /** A damaged checkpoint was refused and its partition recovered in full. */
    FULL_RECOVERY,
    /** Nothing served differs (an index entry rebuilt or ignored, a comment, a leader epoch). */
    NO_EFFECT
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"file", "mmap"})
  void flippedByte_inAClosedStore_isDetectedOrHarmless_andNeverServed(String backend, TestReporter reporter) {
    long seed = SEED + backend.hashCode();
    GoldenStore golden = GoldenStore.write(tmp.resolve("golden-" + backend), backend, PARTITIONS, seed,
        300 * 1024, CONFIG);
    Figures figures = FIGURES.computeIfAbsent(backend, b -> new Figures());
    SplittableRandom random = new SplittableRandom(seed);
    Path work = tmp.resolve("work-" + backend);
    for (int i = 0; i < FLIPS; i++) {
      Flip flip = Flip.pick(random, golden);
      golden.restoreInto(work);
      flip.apply(work, golden);
      Outcome outcome;
      Trial trial = new Trial(golden, work, flip, random.split());
      try {
        outcome = trial.run();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(backend + " trial " + i + ", " + flip + " (run with -Dsamsa.harness.seed="
            + SEED + " to repeat): " + e.getMessage(), e);
      }
      figures.add(flip, outcome, trial);
    }
    reporter.publishEntry("flips", figures.toString());
    assertEquals(figures.underCrcTried, figures.underCrcDetected, "every flip in CRC-covered bytes is detected");
    assertEquals(figures.frameTried, figures.frameDetected, "every flip in a batch frame is detected");
  }

  /**
   * RocksDB keeps its own files (write-ahead log, SSTs, manifest); a clean close leaves the data
   * in them, checksummed by RocksDB. A flipped byte there must be refused (a SamsaException at
   * open or read) or be harmless; no record that differs from what was written is ever served,
   * and no record is lost without a word.
   */
  @org.junit.jupiter.api.Test
  void flippedByte_inARocksDbStore_isRefusedOrHarmless_andNeverServed(TestReporter reporter) {
    long seed = SEED + 3;
    GoldenStore golden = GoldenStore.write(tmp.resolve("golden-rocksdb"), "rocksdb", PARTITIONS, seed,
        150 * 1024, CONFIG);
    SplittableRandom random = new SplittableRandom(seed);
    Path work = tmp.resolve("work-rocksdb");
    List<String> files = golden.files.entrySet().stream()
        .filter(e -> e.getKey().startsWith("rocksdb/") && e.getValue().length > 0).map(Map.Entry::getKey).toList();
    Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    long total = files.stream().mapToLong(f -> golden.files.get(f).length).sum();
    for (int i = 0; i < Math.max(10, FLIPS / 3); i++) {
      // Every byte equally likely, as bit rot would have it.
      long at = random.nextLong(total);
      String file = null;
      for (String f : files) {
        file = f;
        if (at < golden.files.get(f).length) {
          break;
        }
        at -= golden.files.get(f).length;
      }
      int position = (int) at;
      int mask = 1 + random.nextInt(255);
      golden.restoreInto(work);
      String what = file.replaceAll("[0-9]+", "N") + " byte " + position + " ^0x" + Integer.toHexString(mask);
      String outcome;
      try {
        Path p = work.resolve(file);
        byte[] bytes = golden.files.get(file).clone();
        bytes[position] ^= (byte) mask;
        Files.write(p, bytes);
        outcome = rocksTrial(golden, work);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("rocksdb trial " + i + ", flip " + what + " (run with -Dsamsa.harness.seed="
            + SEED + " to repeat): " + e.getMessage(), e);
      }
      outcomes.computeIfAbsent(file.replaceAll("[0-9]+", "N"), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }
    reporter.publishEntry("rocksdb flips", outcomes.toString());
    System.out.println("[crash-harness] corruption at rest, rocksdb (seed " + SEED + "): " + outcomes);
  }

  private static String rocksTrial(GoldenStore golden, Path work) {
    LogStore store;
    try {
      store = golden.open(work);
    } catch (SamsaException e) {
      return "refused at open";
    }
    String outcome = "no effect";
    try (store) {
      RecoveryReport report = store.recoveryReport();
      assertTrue(store.topics().contains(GoldenStore.TOPIC), "the store opened without its topic: " + report);
      for (int p = 0; p < golden.partitions; p++) {
        Log log;
        try {
          log = store.log(new TopicPartition(GoldenStore.TOPIC, p));
        } catch (io.samsa.UnknownTopicOrPartitionException e) {
          throw new AssertionError("the topic vanished without a word", e);
        }
        long end = log.logEndOffset();
        assertTrue(end <= golden.ends[p], "phantom records in partition " + p);
        if (end < golden.ends[p]) {
          int partition = p;
          assertTrue(report.partitions().stream().anyMatch(x -> x.partition().partition() == partition),
              "SILENT LOSS: partition " + p + " lost records " + end + ".." + (golden.ends[p] - 1)
              + " with nothing in the recovery report " + report);
          outcome = "cut and reported";
        }
        long offset = 0;
        while (offset < end) {
          ReadResult r;
          try {
            r = log.read(offset, 64 * 1024);
          } catch (SamsaException e) {
            outcome = "refused on read (" + e.getClass().getSimpleName() + ")";
            offset += 64; // a damaged block refuses every read in it: skip ahead
            continue;
          }
          for (LogRecord rec : r) {
            int partition = p;
            assertTrue(golden.model.matches(p, rec), () -> "SERVED A CORRUPT RECORD: "
                + golden.model.describeMismatch(partition, rec));
          }
          offset = r.nextOffset();
        }
      }
    } catch (SamsaException e) {
      return "refused (" + e.getClass().getSimpleName() + ")";
    }
    return outcome;
  }

  @AfterAll
  static void printFigures() {
    FIGURES.forEach((backend, f) ->
        System.out.println("[crash-harness] corruption at rest, " + backend + " (seed " + SEED + "): " + f));
  }

  /** One damaged byte. */
  record Flip(Target target, String file, long position, int mask, Mode mode, String field) {
    static Flip pick(SplittableRandom r, GoldenStore g) {
      while (true) {
        Target t = Target.pick(r);
        List<String> candidates = g.files.entrySet().stream()
            .filter(e -> e.getKey().endsWith(t.suffix) && e.getValue().length > 0)
            .map(Map.Entry::getKey).toList();
        if (candidates.isEmpty()) {
          continue;
        }
        String file = candidates.get(r.nextInt(candidates.size()));
        long position = r.nextInt(g.files.get(file).length);
        if (t == Target.DATA && r.nextInt(100) < 35) {
          // A third of the data flips hit a batch header: its frame, offsets, epoch, magic, CRC.
          List<GoldenStore.Batch> inFile = g.batches.get(file);
          position = inFile.get(r.nextInt(inFile.size())).position() + r.nextInt(RecordBatchDescriptor.HEADER_SIZE);
        }
        int mask = r.nextBoolean() ? 1 << r.nextInt(8) : 1 + r.nextInt(255);
        Mode mode = t == Target.CHECKPOINT || t == Target.CLEAN_MARKER ? Mode.CLEAN : Mode.values()[r.nextInt(Mode.values().length)];
        String field = t == Target.DATA ? field(position - g.batchAt(file, position).position()) : t.name();
        return new Flip(t, file, position, mask, mode, field);
      }
    }

    /** The batch header field at {@code at} bytes into a batch. */
    static String field(long at) {
      if (at < RecordBatchDescriptor.LENGTH_OFFSET) {
        return "baseOffset";
      } else if (at < RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET) {
        return "batchLength";
      } else if (at < RecordBatchDescriptor.MAGIC_OFFSET) {
        return "partitionLeaderEpoch";
      } else if (at == RecordBatchDescriptor.MAGIC_OFFSET) {
        return "magic";
      } else if (at < RecordBatchDescriptor.ATTRIBUTES_OFFSET) {
        return "crc";
      } else if (at < RecordBatchDescriptor.RECORDS_OFFSET) {
        return "header (under the CRC)";
      }
      return "records";
    }

    int partition() {
      return file.startsWith(GoldenStore.TOPIC + "-")
          ? Integer.parseInt(file.substring(GoldenStore.TOPIC.length() + 1, file.indexOf('/')))
          : 0;
    }

    String fileName() {
      return Path.of(file).getFileName().toString();
    }

    void apply(Path store, GoldenStore g) {
      try {
        Path p = store.resolve(file);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.allocate(1);
          ch.read(b, position);
          b.put(0, (byte) (b.get(0) ^ mask)).clear();
          ch.write(b, position);
        }
        if (mode != Mode.CLEAN) {
          Files.delete(store.resolve(".samsa-clean-shutdown"));
        }
        if (mode == Mode.NO_CHECKPOINT) {
          Files.deleteIfExists(store.resolve(GoldenStore.TOPIC + "-" + partition()).resolve("partition.checkpoint"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return "flip " + target + " " + file + " byte " + position + " ^0x" + Integer.toHexString(mask)
          + " (" + field + "), mode " + mode;
    }
  }

  /** Opens a damaged store, reads everything it serves, and judges it. */
  static final class Trial {
    final GoldenStore golden;
    final Path work;
    final Flip flip;
    final SplittableRandom random;
    final GoldenStore.Batch damaged; // the batch the flip is in, for data flips
    boolean damagedReadFailed;
    boolean damagedCut;
    boolean fullRecovery;
    boolean uncleanOpen;

    Trial(GoldenStore golden, Path work, Flip flip, SplittableRandom random) {
      this.golden = golden;
      this.work = work;
      this.flip = flip;
      this.random = random;
      this.damaged = flip.target() == Target.DATA ? golden.batchAt(flip.file(), flip.position()) : null;
    }

    Outcome run() {
      LogStore store;
      try {
        store = golden.open(work);
      } catch (Throwable e) {
        requireClear(e, "open");
        if (flip.target() == Target.CHECKPOINT || flip.target() == Target.CLEAN_MARKER) {
          throw new AssertionError("a damaged " + flip.fileName() + " refused the open instead of a full "
              + "recovery: " + e, e);
        }
        return Outcome.REFUSED;
      }
      try {
        RecoveryReport report = store.recoveryReport();
        fullRecovery = flip.mode() == Mode.CLEAN && report.scannedPartitions() > 0;
        uncleanOpen = !report.cleanShutdown();
        for (int p = 0; p < golden.partitions; p++) {
          checkPartition(store, report, p);
        }
      } finally {
        try {
          store.close();
        } catch (Throwable e) {
          requireClear(e, "close");
        }
      }
      return judge();
    }

    private Outcome judge() {
      switch (flip.target()) {
        case DATA -> {
          if (damagedCut) {
            return Outcome.CUT;
          }
          if (damagedReadFailed) {
            return Outcome.CORRUPT_ON_READ;
          }
          assertTrue(flip.field().equals("partitionLeaderEpoch"), "a flipped byte inside a batch was not "
              + "detected: reading batch " + damaged + " succeeded and it was not cut");
          return Outcome.NO_EFFECT;
        }
        case CHECKPOINT -> {
          assertTrue(fullRecovery, "a flipped checkpoint was believed: no partition was scanned after a "
              + "clean shutdown");
          return Outcome.FULL_RECOVERY;
        }
        case TOPIC_METADATA -> throw new AssertionError("a flipped topic.metadata was believed: the store opened");
        case CLEAN_MARKER -> {
          return uncleanOpen ? Outcome.FULL_RECOVERY : Outcome.NO_EFFECT;
        }
        default -> {
          return Outcome.NO_EFFECT;
        }
      }
    }

    private void checkPartition(LogStore store, RecoveryReport report, int p) {
      Log log = store.log(new TopicPartition(GoldenStore.TOPIC, p));
      long end = log.logEndOffset();
      long goldenEnd = golden.ends[p];
      assertEquals(0, log.logStartOffset(), "partition " + p + " log start");
      assertTrue(end <= goldenEnd, "partition " + p + " has records that were never written: log end "
          + end + ", written " + goldenEnd);
      RecoveryReport.PartitionRecovery pr = report.partitions().stream()
          .filter(x -> x.partition().partition() == p).findFirst().orElse(null);
      boolean flippedHere = flip.target() == Target.DATA && flip.partition() == p;
      if (pr != null) {
        assertTrue(flippedHere, "recovery cut partition " + p + ", whose data is intact: " + pr);
        assertEquals(end, pr.logEndOffset(), "the report's log end of partition " + p);
        for (RecoveryReport.Cut c : pr.cuts()) {
          assertTrue(c.source().contains(GoldenStore.TOPIC + "-" + p) && c.source().endsWith(".log")
              && c.truncatedBytes() > 0 && !c.reason().isBlank(), "a cut names the data file it cut: " + c);
          if (c.source().endsWith(flip.file())) {
            // A leader epoch is checked only against the next batch's: a raised one is found there.
            long allowed = damaged.position() + (epochFlip() ? damaged.size() : 0);
            assertTrue(c.position() <= allowed, "recovery kept the damaged batch " + damaged
                + " and cut after it: " + c);
          }
        }
        damagedCut = end <= damaged.baseOffset();
      }
      if (end < goldenEnd) {
        assertTrue(pr != null, "partition " + p + " lost records " + end + ".." + (goldenEnd - 1)
            + " without a word in the recovery report");
      }
      readAll(log, p, end);
      transferAll(log, p, end);
      lookUpTimestamps(log, p, end);
    }

    /** Reads every offset; a CorruptRecordException is allowed only for the damaged batch. */
    private void readAll(Log log, int p, long end) {
      long offset = 0;
      while (offset < end) {
        int maxBytes = new int[] {1, 4096, 256 * 1024}[random.nextInt(3)];
        ReadResult r;
        try {
          r = log.read(offset, maxBytes);
        } catch (CorruptRecordException e) {
          GoldenStore.Batch b = corruptAt(e, p, offset, "read");
          offset = b.lastOffset() + 1;
          continue;
        } catch (Throwable e) {
          requireClear(e, "read of partition " + p + " at " + offset);
          throw new AssertionError("read of partition " + p + " at " + offset + " failed", e);
        }
        assertTrue(!r.isEmpty(), "read of partition " + p + " at " + offset + " below the log end " + end
            + " returned nothing");
        for (LogRecord rec : r) {
          assertEquals(offset, rec.offset(), "offsets are dense");
          assertTrue(golden.model.matches(p, rec), () -> "SERVED A CORRUPT RECORD: " + golden.model.describeMismatch(p, rec));
          offset++;
        }
      }
    }

    /** Transfers every batch raw; bytes served must be the bytes written (a leader epoch flip aside). */
    private void transferAll(Log log, int p, long end) {
      long offset = 0;
      while (offset < end) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int maxBytes = new int[] {1, 8192, 256 * 1024}[random.nextInt(3)];
        try {
          log.transferTo(offset, maxBytes, Channels.newChannel(sink));
        } catch (CorruptRecordException e) {
          GoldenStore.Batch b = corruptAt(e, p, offset, "transferTo");
          offset = b.lastOffset() + 1;
          continue;
        } catch (Throwable e) {
          requireClear(e, "transferTo of partition " + p + " at " + offset);
          throw new AssertionError("transferTo failed", e);
        }
        byte[] got = sink.toByteArray();
        assertTrue(got.length > 0, "transferTo at " + offset + " below the log end sent nothing");
        GoldenStore.Batch first = golden.batchOf(p, offset);
        byte[] want = Arrays.copyOfRange(golden.files.get(first.file()), (int) first.position(),
            (int) first.position() + got.length);
        int diff = Arrays.mismatch(got, want);
        if (diff >= 0) {
          long at = first.position() + diff;
          boolean epochOnly = flip.target() == Target.DATA && flip.field().equals("partitionLeaderEpoch")
              && flip.file().equals(first.file()) && at == flip.position()
              && Arrays.mismatch(got, diff + 1, got.length, want, diff + 1, got.length) < 0;
          assertTrue(epochOnly, "SERVED A CORRUPT RAW BYTE: transferTo of partition " + p + " at " + offset
              + " sent a byte that differs from what was written, at " + first.file() + " byte " + at);
        }
        long last = offset;
        for (int at = 0; at < got.length; at += ByteBuffer.wrap(got).getInt(at + 8) + 12) {
          last = ByteBuffer.wrap(got).getLong(at) + ByteBuffer.wrap(got).getInt(at + 23);
        }
        offset = last + 1;
      }
    }

    /** A few timestamp lookups, each against the model. */
    private void lookUpTimestamps(Log log, int p, long end) {
      long[] ts = golden.timestamps[p];
      for (int i = 0; i < 4; i++) {
        long target = ts.length == 0 ? 0 : ts[random.nextInt(ts.length)] + random.nextInt(7) - 3;
        OptionalLong got;
        try {
          got = log.offsetForTimestamp(target);
        } catch (CorruptRecordException e) {
          corruptAt(e, p, -1, "offsetForTimestamp");
          continue;
        } catch (Throwable e) {
          requireClear(e, "offsetForTimestamp");
          throw new AssertionError(e);
        }
        OptionalLong want = OptionalLong.empty();
        for (int o = 0; o < end; o++) {
          if (ts[o] >= target) {
            want = OptionalLong.of(o);
            break;
          }
        }
        boolean damagedHere = flip.target() == Target.DATA && flip.partition() == p;
        if (!damagedHere) {
          assertEquals(want, got, "offsetForTimestamp(" + target + ") of partition " + p);
        } else if (!want.equals(got)) {
          // A damaged batch may hide its records from the lookup only by failing, never by lying.
          assertTrue(got.isPresent() && want.isPresent() && damaged.holds(want.getAsLong()),
              "offsetForTimestamp(" + target + ") of partition " + p + " answered " + got + ", expected " + want);
        }
      }
    }

    /**
     * A CorruptRecordException met at {@code offset}: it must name the partition's data file, and
     * be about the damaged batch (or come after it in a damaged file); returns the batch to skip.
     */
    private GoldenStore.Batch corruptAt(CorruptRecordException e, int p, long offset, String what) {
      assertTrue(e.source() != null && e.source().contains(GoldenStore.TOPIC + "-" + p)
          && e.source().endsWith(".log"), "a CorruptRecordException names the data file: " + e.getMessage());
      if (flip.target() != Target.DATA || flip.partition() != p) {
        throw new AssertionError(what + " of partition " + p + " at " + offset + " reported intact data "
            + "as corrupt: " + e.getMessage(), e);
      }
      if (offset < 0) {
        return damaged;
      }
      GoldenStore.Batch b = golden.batchOf(p, offset);
      if (b.equals(damaged)) {
        damagedReadFailed = true;
      } else {
        // A broken frame hides the batches after it in the same file: allowed, counted.
        assertTrue(b.file().equals(damaged.file()) && b.position() > damaged.position(), what
            + " of partition " + p + " at " + offset + " failed on intact batch " + b + ", not after the "
            + "damaged one " + damaged + ": " + e.getMessage());
        collateral += b.lastOffset() - offset + 1;
      }
      return b;
    }

    long collateral;

    boolean epochFlip() {
      return flip.field().equals("partitionLeaderEpoch");
    }

    /** An exception from the store: a SamsaException whose message names the damaged file. */
    private void requireClear(Throwable e, String during) {
      if (!(e instanceof SamsaException)) {
        throw new AssertionError("unclear exception during " + during + ": " + e, e);
      }
      String message = e.getMessage() + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
      boolean namesFile = message.contains(flip.fileName())
          || flip.target() == Target.STORE_META && message.contains(work.toString());
      if (!namesFile) {
        throw new AssertionError("the exception during " + during + " does not name the damaged file "
            + flip.file() + ": " + e, e);
      }
    }
  }

  /** Flips tried and how each showed itself, per target. */
  static final class Figures {
    final Map<Target, Map<Outcome, Integer>> outcomes = new EnumMap<>(Target.class);
    final Map<Mode, Integer> modes = new EnumMap<>(Mode.class);
    int epochFlips;
    int epochDetected;
    int underCrcTried;
    int underCrcDetected;
    int frameTried;
    int frameDetected;
    long collateralRecords;

    synchronized void add(Flip flip, Outcome outcome, Trial trial) {
      collateralRecords += trial.collateral;
      outcomes.computeIfAbsent(flip.target(), t -> new EnumMap<>(Outcome.class)).merge(outcome, 1, Integer::sum);
      modes.merge(flip.mode(), 1, Integer::sum);
      int detected = outcome == Outcome.NO_EFFECT ? 0 : 1;
      if (flip.target() != Target.DATA) {
        return;
      }
      switch (flip.field()) {
        case "partitionLeaderEpoch" -> {
          epochFlips++;
          epochDetected += detected;
        }
        case "header (under the CRC)", "records" -> {
          underCrcTried++;
          underCrcDetected += detected;
        }
        default -> {
          frameTried++;
          frameDetected += detected;
        }
      }
    }

    synchronized int tried(Target t) {
      return outcomes.getOrDefault(t, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int detected(Target t) {
      return outcomes.getOrDefault(t, Map.of()).entrySet().stream()
          .filter(e -> e.getKey() != Outcome.NO_EFFECT).mapToInt(Map.Entry::getValue).sum();
    }

    @Override
    public synchronized String toString() {
      List<String> parts = new ArrayList<>();
      int all = 0;
      int det = 0;
      for (Target t : Target.values()) {
        all += tried(t);
        det += detected(t);
        parts.add(t + " " + tried(t) + " tried, " + detected(t) + " detected " + outcomes.getOrDefault(t, Map.of()));
      }
      return "flips tried=" + all + ", detected=" + det + "; in a batch, CRC-covered bytes: "
          + underCrcTried + " tried, " + underCrcDetected + " detected; frame outside the CRC (base offset, "
          + "length, magic, crc): " + frameTried + " tried, " + frameDetected + " detected; leader epoch "
          + "(outside the CRC, checkable only as never decreasing): " + epochFlips + " tried, " + epochDetected
          + " detected; intact records hidden behind a damaged frame (read fails, nothing served): "
          + collateralRecords + "; " + String.join("; ", parts) + "; modes " + modes;
    }
  }
}
