package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.samsa.AppendResult;
import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.RecoveryReport;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM ({@link CrashChild}) appends to a store and is killed with SIGKILL at
 * a random moment (seeded), over and over, on every backend under every flush policy; after each
 * kill the store is checked.
 *
 * <h2>What a kill must not break</h2>
 * SIGKILL ends the process, not the machine: the page cache survives, so the design promises
 * that <em>nothing acknowledged is lost</em> (README, "A process crash loses nothing"), on every
 * backend and under every flush policy, and a fortiori nothing flushed. After each kill a copy of
 * the store (the crashed original is left for the next child, which recovers it, and may itself
 * be killed while recovering) is opened and:
 * <ol>
 *   <li>the open is an unclean one (no clean-shutdown marker was written);
 *   <li>every partition's log end is at or past every offset the child saw acknowledged, flushed
 *       or durable, and past the log end the child's own recovery showed it;
 *   <li>every record from offset 0 to the log end is the one {@link RecordModel} puts there, byte
 *       for byte: whatever recovery kept of appends still in flight is whole and correct;
 *   <li>the recovery report accounts for every byte that left the data files (file and mmap:
 *       bytes removed from disk equal the bytes it reports cut), and each cut names its file;
 *   <li>the store takes appends again, and a clean close and reopen keep them.
 * </ol>
 *
 * <h2>Size</h2>
 * {@code -Dsamsa.harness.kills=N} kills in all (default 48: four per backend and policy), spread
 * over the twelve scenarios; {@code -Dsamsa.harness.seed=S} repeats the choices of a run (kill
 * moments, batch sizes); the seed is printed with every failure.
 */
class ProcessKillTest {
  static final int KILLS = Integer.getInteger("samsa.harness.kills", 48);
  static final long SEED = Long.getLong("samsa.harness.seed", System.nanoTime());
  static final int PARTITIONS = 3;
  static final int SEGMENT_BYTES = 256 * 1024;
  static final List<String> BACKENDS = List.of("file", "mmap", "rocksdb");
  static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  /** SIGKILL's exit value: 128 + 9. */
  static final int KILLED = 137;

  private static final Figures FIGURES = new Figures();

  @TempDir Path tmp;

  @TestFactory
  Stream<DynamicTest> sigkill_atRandomMoments_losesNoAcknowledgedRecord() {
    List<DynamicTest> tests = new ArrayList<>();
    int scenario = 0;
    int count = BACKENDS.size() * FlushPolicies.values().length;
    for (String backend : BACKENDS) {
      for (FlushPolicies policy : FlushPolicies.values()) {
        int kills = KILLS / count + (scenario < KILLS % count ? 1 : 0);
        long seed = SEED + 7919L * scenario;
        scenario++;
        if (kills > 0) {
          String name = backend + " / " + policy.id() + ": " + kills + " kill(s)";
          tests.add(dynamicTest(name, () -> new Scenario(backend, policy, seed, kills).run()));
        }
      }
    }
    return tests.stream();
  }

  @AfterAll
  static void printFigures() {
    System.out.println("[crash-harness] SIGKILL figures (seed " + SEED + "): " + FIGURES);
  }

  /** One backend and policy: a store killed {@code kills} times in a row, checked after each. */
  private final class Scenario {
    final String backend;
    final FlushPolicies policy;
    final long seed;
    final int kills;
    final RecordModel model;
    final SplittableRandom random;
    final Path dir;
    /** Per partition: the highest offset + 1 known to be acknowledged, durable, flushed, visible. */
    final long[] acked = new long[PARTITIONS];
    final long[] durable = new long[PARTITIONS];
    final long[] flushed = new long[PARTITIONS];

    Scenario(String backend, FlushPolicies policy, long seed, int kills) {
      this.backend = backend;
      this.policy = policy;
      this.seed = seed;
      this.kills = kills;
      this.model = new RecordModel(seed);
      this.random = new SplittableRandom(seed);
      this.dir = tmp.resolve(backend + "-" + policy.id());
    }

    void run() throws Exception {
      for (int round = 1; round <= kills; round++) {
        try {
          killOnce(round);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(backend + " / " + policy.id() + ", kill " + round + " of " + kills
              + " (run with -Dsamsa.harness.seed=" + SEED + " to repeat the choices): " + e.getMessage(), e);
        }
      }
      // The original, recovered by no one since the last kill: open it once more and check it all.
      try (LogStore store = open(dir)) {
        if (!store.topics().contains(CrashChild.TOPIC)) {
          assertEquals(0, Arrays.stream(acked).sum(), "final open: the topic is gone, but records were acknowledged");
          return;
        }
        for (int p = 0; p < PARTITIONS; p++) {
          Log log = store.log(new TopicPartition(CrashChild.TOPIC, p));
          assertTrue(log.logEndOffset() >= acked[p], "final open: partition " + p + " lost acknowledged records");
          StoreChecks.verify(log, p, model);
        }
      }
    }

    private void killOnce(int round) throws Exception {
      Path stderr = tmp.resolve(dir.getFileName() + "-" + round + ".err");
      Trigger trigger = Trigger.pick(random, round);
      List<String> lines;
      try (ChildJvm child = ChildJvm.start(CrashChild.class, stderr, List.of("dir=" + dir,
          "backend=" + backend, "policy=" + policy.id(), "seed=" + seed, "runSeed=" + random.nextLong(),
          "partitions=" + PARTITIONS, "segmentBytes=" + SEGMENT_BYTES, "maxSeconds=120"))) {
        if (!child.awaitLine(trigger.line, trigger.nth, 90, TimeUnit.SECONDS)) {
          child.kill();
          throw new AssertionError("the child ended or stalled before the kill moment (" + trigger
              + "); its last lines: " + tail(child.lines()) + "\nits standard error:\n" + child.stderrTail());
        }
        if (trigger.jitterNanos > 0) {
          LockSupport.parkNanos(trigger.jitterNanos); // part of the kill moment, not a wait for anything
        }
        int exit = child.kill();
        lines = child.lines();
        if (LINUX) {
          assertEquals(KILLED, exit, "exit value of a child killed by destroyForcibly(); 137 = 128 + SIGKILL."
              + " Its standard error:\n" + child.stderrTail());
        }
        FIGURES.kill(trigger.duringOpen(lines));
        absorb(lines, child);
      }
      verifyCopy(round);
      FIGURES.survived();
      StoreChecks.deleteTree(tmp.resolve(dir.getFileName() + "-" + round + ".err"));
    }

    /** Takes in what the child said; fails on anything it found wrong itself. */
    private void absorb(List<String> lines, ChildJvm child) {
      for (String line : lines) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "ACK" -> {
            int p = Integer.parseInt(f[1]);
            acked[p] = Math.max(acked[p], Long.parseLong(f[3]) + 1);
            FIGURES.acked(Long.parseLong(f[3]) - Long.parseLong(f[2]) + 1);
          }
          case "DURABLE" -> durable[Integer.parseInt(f[1])] =
              Math.max(durable[Integer.parseInt(f[1])], Long.parseLong(f[2]));
          case "FLUSHED" -> flushed[Integer.parseInt(f[1])] =
              Math.max(flushed[Integer.parseInt(f[1])], Long.parseLong(f[2]));
          case "READY" -> {
            // The child's own recovery of the original: it must keep what was acknowledged before.
            int p = Integer.parseInt(f[1]);
            long end = Long.parseLong(f[3]);
            assertTrue(end >= acked[p], "the child's recovery lost acknowledged records: partition " + p
                + " opened with log end " + end + ", acknowledged up to " + acked[p]);
            acked[p] = Math.max(acked[p], end); // served as present from now on
          }
          case "BAD", "FAILED" -> throw new AssertionError("the child reports: " + line
              + "\nits standard error:\n" + child.stderrTail());
          default -> {
            if (line.startsWith("CUT\t")) {
              FIGURES.childCut();
            }
          }
        }
      }
    }

    /** Opens a copy of the crashed store and checks it; see the class doc. */
    private void verifyCopy(int round) {
      Path copy = tmp.resolve(dir.getFileName() + "-check");
      StoreChecks.deleteTree(copy);
      if (!Files.exists(dir)) {
        return; // killed before the store made its directory
      }
      StoreChecks.copyTree(dir, copy);
      boolean existed = Files.exists(copy.resolve("meta.properties"));
      long[] dataBefore = dataBytes(copy);
      long[] endAfterAppend = new long[PARTITIONS];
      try (LogStore store = open(copy)) {
        RecoveryReport report = store.recoveryReport();
        if (existed) {
          assertFalse(report.cleanShutdown(), "a killed store was opened as cleanly shut down");
        }
        if (!store.topics().contains(CrashChild.TOPIC)) {
          assertEquals(0, Arrays.stream(acked).sum(), "the topic is gone, but records were acknowledged");
          return;
        }
        long[] dataAfter = dataBytes(copy);
        for (int p = 0; p < PARTITIONS; p++) {
          Log log = store.log(new TopicPartition(CrashChild.TOPIC, p));
          long end = log.logEndOffset();
          assertEquals(0, log.logStartOffset(), "partition " + p + " log start");
          assertTrue(end >= acked[p], "partition " + p + " lost acknowledged records: log end " + end
              + " after recovery, acknowledged up to " + acked[p]);
          assertTrue(end >= flushed[p], "partition " + p + " lost flushed records: log end " + end
              + ", flushed up to " + flushed[p]);
          assertTrue(end >= durable[p], "partition " + p + " lost records below a recovery point: log end "
              + end + ", recovery point was " + durable[p]);
          FIGURES.verified(StoreChecks.verify(log, p, model), end - acked[p]);
          checkReport(report, p, end, dataBefore[p] - dataAfter[p]);
        }
        for (int p = 0; p < PARTITIONS; p++) {
          Log log = store.log(new TopicPartition(CrashChild.TOPIC, p));
          long end = log.logEndOffset();
          AppendResult r = log.append(model.records(p, end, 3));
          assertEquals(end, r.baseOffset(), "partition " + p + ": the first append after recovery");
          endAfterAppend[p] = end + 3;
          int partition = p;
          List<LogRecord> back = log.read(end, 1 << 20).records();
          assertTrue(back.size() == 3 && back.stream().allMatch(rec -> model.matches(partition, rec)),
              "partition " + p + ": the records appended after recovery read back wrong: " + back);
        }
      }
      try (LogStore again = open(copy)) {
        assertTrue(again.recoveryReport().cleanShutdown(), "closing the recovered store was not clean");
        for (int p = 0; p < PARTITIONS; p++) {
          Log log = again.log(new TopicPartition(CrashChild.TOPIC, p));
          assertEquals(endAfterAppend[p], log.logEndOffset(), "partition " + p + " after a clean reopen");
        }
      }
      StoreChecks.deleteTree(copy);
    }

    /** The report's entry for partition {@code p} agrees with the log and with the bytes that left the disk. */
    private void checkReport(RecoveryReport report, int p, long end, long bytesRemoved) {
      RecoveryReport.PartitionRecovery pr = report.partitions().stream()
          .filter(x -> x.partition().partition() == p).findFirst().orElse(null);
      long reported = pr == null ? 0 : pr.truncatedBytes();
      if (pr != null) {
        assertEquals(end, pr.logEndOffset(), "partition " + p + ": the report's log end");
        for (RecoveryReport.Cut c : pr.cuts()) {
          assertTrue(c.truncatedBytes() > 0 && c.position() >= 0 && !c.reason().isBlank(), "a cut: " + c);
          if (!backend.equals("rocksdb")) {
            assertTrue(c.source().contains(CrashChild.TOPIC + "-" + p) && c.source().endsWith(".log"),
                "a cut names the data file it cut: " + c);
          }
        }
        FIGURES.cut(backend, pr.cuts().size(), reported);
      }
      if (!backend.equals("rocksdb")) {
        assertEquals(bytesRemoved, reported, "partition " + p + ": bytes removed from the data files vs bytes "
            + "the recovery report says it cut (" + (pr == null ? "no report" : pr.cuts()) + ")");
      }
    }

    /**
     * Per partition, the bytes of data in its {@code .log} files: their lengths, or for mmap's
     * preallocated files, up to their last non-zero byte. Zero for RocksDB.
     */
    private long[] dataBytes(Path store) {
      long[] bytes = new long[PARTITIONS];
      if (backend.equals("rocksdb")) {
        return bytes;
      }
      for (int p = 0; p < PARTITIONS; p++) {
        Path pdir = store.resolve(CrashChild.TOPIC + "-" + p);
        if (!Files.isDirectory(pdir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(pdir)) {
          for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".log"))::iterator) {
            bytes[p] += backend.equals("mmap") ? endOfNonZero(f) : Files.size(f);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return bytes;
    }

    private LogStore open(Path store) {
      return Samsa.builder(store).backend(backend)
          .defaultTopicConfig(CrashChild.topicConfig(policy, SEGMENT_BYTES)).open();
    }
  }

  /** The position after the last non-zero byte of a file. */
  static long endOfNonZero(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      long end = 0;
      for (long at = 0; at < ch.size(); at += buf.capacity()) {
        buf.clear();
        int n = ch.read(buf, at);
        for (int i = n - 1; i >= 0; i--) {
          if (buf.get(i) != 0) {
            end = at + i + 1;
            break;
          }
        }
      }
      return end;
    }
  }

  private static String tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 5), lines.size()).toString();
  }

  /** When to kill: on the {@code nth} line matching {@code line}, then after {@code jitterNanos}. */
  record Trigger(String what, Predicate<String> line, int nth, long jitterNanos) {
    static Trigger pick(SplittableRandom r, int round) {
      int kind = r.nextInt(100);
      if (kind < 12 || round == 1 && kind < 30) {
        // While the store opens: recovery, topic creation.
        return new Trigger("OPENING", l -> l.equals("OPENING"), 1, r.nextLong(40_000_000L));
      }
      if (kind < 20) {
        return new Trigger("READY", l -> l.startsWith("READY "), PARTITIONS, r.nextLong(2_000_000L));
      }
      int n = 1 + r.nextInt(600);
      return new Trigger("ACK #" + n, l -> l.startsWith("ACK "), n, 0);
    }

    boolean duringOpen(List<String> lines) {
      return lines.stream().noneMatch(l -> l.startsWith("READY "));
    }

    @Override
    public String toString() {
      return what + (jitterNanos > 0 ? " +" + jitterNanos / 1000 + " us" : "");
    }
  }

  /** What the kills did, over all scenarios. */
  static final class Figures {
    private long kills;
    private long killsDuringOpen;
    private long survived;
    private long acknowledgedRecords;
    private long recordsVerified;
    private long inFlightKept;
    private long cuts;
    private long bytesCut;
    private long childCuts;
    private final java.util.Map<String, Long> cutsByBackend = new java.util.TreeMap<>();

    synchronized void kill(boolean duringOpen) {
      kills++;
      killsDuringOpen += duringOpen ? 1 : 0;
    }

    synchronized void survived() {
      survived++;
    }

    synchronized void acked(long records) {
      acknowledgedRecords += records;
    }

    synchronized void verified(long records, long inFlight) {
      recordsVerified += records;
      inFlightKept += inFlight;
    }

    synchronized void cut(String backend, int count, long bytes) {
      cuts += count;
      bytesCut += bytes;
      cutsByBackend.merge(backend, (long) count, Long::sum);
    }

    synchronized void childCut() {
      childCuts++;
    }

    @Override
    public synchronized String toString() {
      return "kills=" + kills + " (during open/recovery: " + killsDuringOpen + "), survived with zero "
          + "acknowledged records lost and every record intact=" + survived + "; records acknowledged=" + acknowledgedRecords
          + ", records read back and compared=" + recordsVerified + ", unacknowledged records kept whole="
          + inFlightKept + ", recovery cuts seen by the checker=" + cuts + " (" + bytesCut + " bytes, by backend " + cutsByBackend + ")"
          + ", cuts reported to the children=" + childCuts;
    }
  }
}
