package io.samsa.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The child JVM of the harness: runs one group of workloads on one contender and appends its
 * {@link Measurement}s to a results file. {@link Workloads} starts one per group and contender, so
 * that every contender runs in a JVM of its own with only the flags it needs.
 *
 * <pre>
 * java -cp benchmarks.jar io.samsa.benchmarks.ContenderRun --contender file --group append-100B \
 *     --scale smoke --reps 1 --dir DIR --results FILE
 * </pre>
 *
 * <p>The {@code recover} group starts two further JVMs per repetition (this class with {@code
 * --recover-writer}, then {@code --recover-reopen}): one that appends and waits to be killed with
 * SIGKILL, then one that reopens the log, as a restarted process would.
 */
public final class ContenderRun {
  /** The groups of workloads, in the order the harness runs them. */
  static final List<String> GROUPS = List.of(
      "append-100B", "append-1KB", "append-1KB-fsync", "read", "recover", "many-partitions");

  private static final int MANY_SEGMENT_BYTES = 1 << 20;
  private static final String READY = "READY";
  private static final String RECOVERED = "RECOVERED";

  private final Contender contender;
  private final Sizes sizes;
  private final int reps;
  private final Path dir;
  private final Treatment treatment;
  private final List<Measurement> out = new ArrayList<>();
  private final PrintStream log = System.out;

  private ContenderRun(Contender contender, Sizes sizes, int reps, Path dir) {
    this.contender = contender;
    this.sizes = sizes;
    this.reps = reps;
    this.dir = dir;
    this.treatment = new Treatment(dir, sizes.scratchBytes());
  }

  /**
   * Runs a group, or the killed writer of {@code recover}; a failure ends the JVM with an exception
   * (and a non-zero exit), which the harness records.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    Contender contender = Contender.of(require(a, "contender"));
    Path dir = Path.of(require(a, "dir"));
    if (a.containsKey("recover-writer")) {
      recoverWriter(contender, dir, Integer.parseInt(require(a, "records")));
      return;
    }
    if (a.containsKey("recover-reopen")) {
      recoverReopen(contender, dir, Integer.parseInt(require(a, "records")), a.containsKey("warm-jvm"));
      return;
    }
    Sizes sizes = Sizes.of(a.getOrDefault("scale", "full"));
    int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
    String group = require(a, "group");
    Path results = Path.of(require(a, "results"));
    ContenderRun run = new ContenderRun(contender, sizes, reps, dir);
    try {
      run.group(group);
    } finally {
      run.write(results);
    }
  }

  private void group(String group) throws Exception {
    Files.createDirectories(dir);
    switch (group) {
      case "append-100B" -> append("append-100B", sizes.append100Records(), Sizes.SMALL_VALUE,
          sizes.append100Batch(), false);
      case "append-1KB" -> append("append-1KB", sizes.append1kRecords(), Sizes.LARGE_VALUE,
          sizes.append1kBatch(), false);
      case "append-1KB-fsync" -> append("append-1KB-fsync", sizes.fsyncRecords(), Sizes.LARGE_VALUE,
          sizes.fsyncBatch(), true);
      case "read" -> reads();
      case "recover" -> recover();
      case "many-partitions" -> manyPartitions();
      default -> throw new IllegalArgumentException("unknown group: " + group + " (known: " + GROUPS + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Appends

  /**
   * One warm-up run of a fifth of the records, then {@code reps} measured runs, each into a fresh
   * directory after the page-cache treatment; the clock runs from the first append to the return of
   * the last one (closing, which forces the data, is timed apart).
   */
  private void append(String workload, int records, int valueSize, int batch, boolean fsync)
      throws IOException {
    LogSpec spec = LogSpec.single().withFsync(fsync);
    byte[][] pool = values(valueSize);
    appendOnce(spec, Math.max(batch, records / 5), batch, pool, dir.resolve("warmup"));
    List<Double> recordsPerSec = new ArrayList<>();
    List<Double> mbPerSec = new ArrayList<>();
    List<Double> batchesPerSec = new ArrayList<>();
    List<Double> closeSec = new ArrayList<>();
    List<Double> treatmentMs = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      Path d = dir.resolve("rep-" + rep);
      deleteTree(d);
      treatmentMs.add((double) treatment.apply());
      long[] t = appendOnce(spec, records, batch, pool, d);
      double sec = t[0] / 1e9;
      recordsPerSec.add(records / sec);
      mbPerSec.add((double) records * valueSize / sec / 1e6);
      batchesPerSec.add(Math.ceil((double) records / batch) / sec);
      closeSec.add(t[1] / 1e9);
      log.printf("%s %s rep %d: %,.0f records/s, %.1f MB/s, close %.2f s%n", workload, contender.id(),
          rep, records / sec, records * (double) valueSize / sec / 1e6, t[1] / 1e9);
      deleteTree(d);
    }
    String what = String.format("%,d records of %d B in batches of %d%s", records, valueSize, batch,
        fsync ? ", fsync after every batch" : ", no fsync");
    add(workload, "throughput", "records/s", "higher", recordsPerSec, what);
    add(workload, "bandwidth", "MB/s", "higher", mbPerSec, "MB/s of record values (10^6 B)");
    if (fsync) {
      add(workload, "fsyncs", "batches/s", "higher", batchesPerSec, "one fsync per batch");
    }
    add(workload, "close", "s", "info", closeSec, "closing the log after the appends (forces what is unflushed)");
    add(workload, "treatment", "ms", "info", treatmentMs, treatment.describe());
  }

  /** Appends {@code records} to a new log; returns the append nanoseconds and the close nanoseconds. */
  private long[] appendOnce(LogSpec spec, int records, int batch, byte[][] pool, Path d)
      throws IOException {
    deleteTree(d);
    long appendNanos;
    long closeStart;
    BenchLog bench = contender.open(d, spec, false);
    try {
      byte[][] full = new byte[batch][];
      int next = 0;
      long start = System.nanoTime();
      for (int i = 0; i < records; i += batch) {
        int n = Math.min(batch, records - i);
        byte[][] b = n == batch ? full : new byte[n][];
        for (int j = 0; j < n; j++) {
          b[j] = pool[next++ & (pool.length - 1)];
        }
        bench.append(0, b);
      }
      appendNanos = System.nanoTime() - start;
      check(bench.endOffset(0) == records, "log end offset after the appends", records, bench.endOffset(0));
    } finally {
      closeStart = System.nanoTime();
      bench.close();
    }
    long closeNanos = System.nanoTime() - closeStart;
    return new long[] {appendNanos, closeNanos};
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * Writes one log of {@code readRecords} 1 KiB records (batches of 16), then reads it: sequentially
   * from the page cache (warm), at random offsets (warm), and sequentially after evicting every file
   * of the contender (cold), for the file backend also with its read-ahead policy off.
   */
  private void reads() throws IOException {
    Path d = dir.resolve("read");
    deleteTree(d);
    treatment.apply();
    LogSpec spec = LogSpec.single();
    int n = sizes.readRecords();
    byte[][] pool = values(Sizes.LARGE_VALUE);
    appendOnce(spec, n, Sizes.READ_BATCH, pool, d);
    PageCache.syncAll();
    double mb = (double) n * Sizes.LARGE_VALUE / 1e6;

    // Sequential, warm: one pass to warm the JIT and the cache, then the measured passes.
    List<Double> warm = new ArrayList<>();
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> p999 = new ArrayList<>();
    try (BenchLog bench = contender.open(d, spec, false)) {
      readAllChecked(bench, n);
      for (int rep = 0; rep < reps; rep++) {
        long t = readAllChecked(bench, n);
        warm.add(mb / (t / 1e9));
        log.printf("read-seq-warm %s rep %d: %.1f MB/s%n", contender.id(), rep, mb / (t / 1e9));
      }
      // Random point reads, warm.
      SplittableRandom random = new SplittableRandom(4242);
      ValueSink sink = new ValueSink();
      for (int i = 0; i < Math.max(1000, sizes.randomReads() / 5); i++) {
        bench.readOne(0, random.nextLong(n), sink);
      }
      for (int rep = 0; rep < reps; rep++) {
        long[] nanos = new long[sizes.randomReads()];
        for (int i = 0; i < nanos.length; i++) {
          long offset = random.nextLong(n);
          long start = System.nanoTime();
          bench.readOne(0, offset, sink);
          nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        p50.add(Stats.percentileOfSorted(nanos, 50) / 1e3);
        p99.add(Stats.percentileOfSorted(nanos, 99) / 1e3);
        p999.add(Stats.percentileOfSorted(nanos, 99.9) / 1e3);
        log.printf("read-random %s rep %d: p50 %.1f us, p99 %.1f us%n", contender.id(), rep,
            p50.get(rep), p99.get(rep));
      }
    }
    String seqWhat = String.format("%,d records of 1 KiB (batches of 16) read from offset 0 to the end; MB/s of values", n);
    add("read-seq-warm", "bandwidth", "MB/s", "higher", warm, seqWhat + ", all pages cached");
    String rndWhat = String.format("%,d point reads per repetition at uniformly random offsets of %,d, page cache warm", sizes.randomReads(), n);
    add("read-random", "p50", "us", "lower", p50, rndWhat);
    add("read-random", "p99", "us", "lower", p99, rndWhat);
    add("read-random", "p99.9", "us", "info", p999, rndWhat);

    // Sequential, cold: evict every file (fsync + DONTNEED) with the log closed, then open and read.
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    variants.put("read-seq-cold", Map.of());
    if (contender == Contender.FILE) {
      variants.put("read-seq-cold-no-readahead", Map.of("readahead.bytes", "0"));
      // The window sweep behind the default (8 MiB): a quarter of it and four times it.
      variants.put("read-seq-cold-readahead-2MiB", Map.of("readahead.bytes", String.valueOf(2 << 20)));
      variants.put("read-seq-cold-readahead-32MiB", Map.of("readahead.bytes", String.valueOf(32 << 20)));
    }
    if (!PageCache.isSupported()) {
      for (String w : variants.keySet()) {
        out.add(Measurement.missing(w, contender.id(), "bandwidth", "MB/s", "higher",
            "no posix_fadvise/mincore on this platform"));
      }
      return;
    }
    Map<String, List<Double>> cold = new LinkedHashMap<>();
    Map<String, Double> worstResident = new LinkedHashMap<>();
    for (int rep = 0; rep < reps; rep++) {
      for (Map.Entry<String, Map<String, String>> v : variants.entrySet()) {
        PageCache.Residency left = PageCache.evictTree(d);
        worstResident.merge(v.getKey(), left.fraction(), Math::max);
        try (BenchLog bench = contender.open(d, spec.withSamsaOptions(v.getValue()), false)) {
          long t = readAllChecked(bench, n);
          cold.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(mb / (t / 1e9));
          log.printf("%s %s rep %d: %.1f MB/s (after eviction: %s)%n", v.getKey(), contender.id(),
              rep, mb / (t / 1e9), left);
        }
      }
    }
    for (Map.Entry<String, List<Double>> e : cold.entrySet()) {
      Map<String, String> options = variants.get(e.getKey());
      String policy = contender != Contender.FILE ? ""
          : options.isEmpty() ? "; file backend's read-ahead policy as shipped (on)"
          : "; backend options " + options
              + ("0".equals(options.get("readahead.bytes")) ? " (read-ahead advice off)" : "");
      add(e.getKey(), "bandwidth", "MB/s", "higher", e.getValue(), String.format(
          "%s; files evicted first (fsync + POSIX_FADV_DONTNEED), at most %.2f%% of pages still resident (mincore)%s",
          seqWhat, 100 * worstResident.get(e.getKey()), policy));
    }
  }

  /** Reads the whole log; returns the nanoseconds it took. */
  private static long readAllChecked(BenchLog bench, int expected) throws IOException {
    ValueSink sink = new ValueSink();
    long start = System.nanoTime();
    long count = bench.readAll(0, sink);
    long nanos = System.nanoTime() - start;
    check(count == expected, "records read", expected, count);
    return nanos;
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery

  /**
   * A writer JVM appends {@code recoverRecords} 1 KiB records (about 1 GiB, one segment, nothing
   * flushed), says so, and is killed with SIGKILL. After a {@code sync} (so that write-back does not
   * run during the reopen), a new JVM (a restarted process) opens the log, and its clock runs from
   * before the open until the log end offset is known. "recover": the killed writer's pages are
   * still cached (a process crash); "recover-cold": every file evicted first.
   */
  private void recover() throws Exception {
    int n = sizes.recoverRecords();
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    List<String> reports = new ArrayList<>();
    long bytes = 0;
    for (int rep = 0; rep < reps; rep++) {
      // Chronicle has no recovery scan to warm up (its number is not comparable anyway).
      List<String> variants = contender == Contender.CHRONICLE ? List.of("recover", "recover-cold")
          : List.of("recover", "recover-cold", "recover-warm-jvm");
      for (String variant : variants) {
        Path d = dir.resolve("recover");
        deleteTree(d);
        treatment.apply();
        String ready = runAndKillWriter(d, n);
        PageCache.syncAll();
        bytes = treeBytes(d);
        PageCache.Residency resident = variant.equals("recover-cold") && PageCache.isSupported()
            ? PageCache.evictTree(d) : PageCache.Residency.NONE;
        String[] reopened = runReopener(d, n, variant.equals("recover-warm-jvm"));
        double sec = Long.parseLong(reopened[0]) / 1e9;
        seconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(sec);
        log.printf("%s %s rep %d: %.3f s (%s; writer: %s; resident before: %s)%n", variant,
            contender.id(), rep, sec, reopened[1], ready, resident);
        if (rep == 0) {
          reports.add(variant + ": " + reopened[1] + "; the writer said " + ready);
        }
      }
    }
    String what = String.format(
        "a new JVM opens the log after SIGKILL of a writer that appended %,d records of 1 KiB (%,d bytes on disk, unflushed), time until the log end offset is known; %s; %s",
        n, bytes, contender.recoveryMethod(), String.join("; ", reports));
    add("recover", "time", "s", "lower", seconds.get("recover"), what + "; page cache warm");
    add("recover-cold", "time", "s", "lower", seconds.get("recover-cold"),
        "same, every file evicted (fsync + DONTNEED) before the reopen");
    if (seconds.containsKey("recover-warm-jvm")) {
      add("recover-warm-jvm", "time", "s", "lower", seconds.get("recover-warm-jvm"),
        "same as recover (page cache warm), but the new JVM first recovers a small crashed log of "
            + "the same contender, so that its classes are loaded and its recovery code compiled: "
            + "the cost of the scan itself, without the JVM's start-up");
    } else {
      out.add(Measurement.missing("recover-warm-jvm", contender.id(), "time", "s", "lower",
          "n/a: no recovery scan to warm up"));
    }
  }

  /** One segment for everything, so that no roll flushes part of the log before the kill. */
  private static LogSpec recoverSpec() {
    return LogSpec.single().withSegmentBytes(Integer.MAX_VALUE);
  }

  /** A JVM like this one running {@code ContenderRun} with {@code args}, stderr to {@code err}. */
  private Process startHelper(Path err, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ContenderRun.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }

  /** Starts the writer JVM, waits for it to say it appended everything, kills it; returns what it said. */
  private String runAndKillWriter(Path d, int records) throws Exception {
    Path err = dir.resolve("recover-writer.err");
    Process writer = startHelper(err, "--recover-writer", "--contender", contender.id(), "--dir",
        d.toString(), "--records", Integer.toString(records));
    try {
      String line = awaitLine(writer, READY, err);
      writer.destroyForcibly(); // SIGKILL on Linux
      int exit = writer.waitFor();
      check(exit == 137, "recover writer's exit status (128 + SIGKILL)", 137, exit);
      return line.substring(READY.length()).trim();
    } finally {
      writer.destroyForcibly();
    }
  }

  /** Starts a JVM that reopens the log; returns the nanoseconds it took and its recovery report. */
  private String[] runReopener(Path d, int records, boolean warmJvm) throws Exception {
    Path err = dir.resolve("recover-reopen.err");
    List<String> args = new ArrayList<>(List.of("--recover-reopen", "--contender", contender.id(),
        "--dir", d.toString(), "--records", Integer.toString(records)));
    if (warmJvm) {
      args.addAll(List.of("--warm-jvm", "true"));
    }
    Process reopener = startHelper(err, args.toArray(String[]::new));
    try {
      String line = awaitLine(reopener, RECOVERED, err);
      int exit = reopener.waitFor();
      check(exit == 0, "recover reopener's exit status", 0, exit);
      return line.substring(RECOVERED.length()).trim().split(" ", 2);
    } finally {
      reopener.destroyForcibly();
    }
  }

  /** Reads a helper's output until a line starting with {@code prefix}; echoes the others. */
  private String awaitLine(Process p, String prefix, Path err) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.startsWith(prefix)) {
      log.println("helper: " + line);
    }
    if (line == null) {
      p.waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException("helper JVM ended without saying " + prefix + ": exit="
          + (p.isAlive() ? "still running" : p.exitValue()) + ", stderr=" + tail(err));
    }
    return line;
  }

  /** The killed writer: appends, prints {@value #READY} with what it knows, and waits to be killed. */
  private static void recoverWriter(Contender contender, Path d, int records) throws IOException {
    byte[][] pool = values(Sizes.LARGE_VALUE);
    BenchLog bench = contender.open(d, recoverSpec(), false);
    byte[][] b = new byte[Sizes.READ_BATCH][];
    int next = 0;
    for (int i = 0; i < records; i += b.length) {
      byte[][] batch = records - i >= b.length ? b : new byte[records - i][];
      for (int j = 0; j < batch.length; j++) {
        batch[j] = pool[next++ & (pool.length - 1)];
      }
      bench.append(0, batch);
    }
    String recoveryPoint = bench instanceof SamsaLog s ? ", recovery point " + s.recoveryPoint(0) : "";
    System.out.println(READY + " log end offset " + bench.endOffset(0) + recoveryPoint);
    System.out.flush();
    // Wait to be killed; never close (that would mark the shutdown clean). Reading stdin blocks
    // until the harness kills this JVM (or, if the harness itself died, until stdin closes).
    while (System.in.read() >= 0) {
      // keep waiting
    }
    throw new IllegalStateException("recover writer: standard input closed before the kill");
  }

  /**
   * The restarted process: opens the log (recovering it), reads its end offset, prints {@value
   * #RECOVERED} with the nanoseconds that took and the contender's report, and closes it.
   */
  private static void recoverReopen(Contender contender, Path d, int records, boolean warmJvm)
      throws IOException {
    if (warmJvm) {
      warmUpRecovery(contender, d.resolveSibling(d.getFileName() + "-warm-up"));
    }
    long start = System.nanoTime();
    try (BenchLog bench = contender.open(d, recoverSpec(), true)) {
      long end = bench.endOffset(0);
      long nanos = System.nanoTime() - start;
      check(end == records, "log end offset after recovery", records, end);
      System.out.println(RECOVERED + " " + nanos + " " + bench.openReport());
      System.out.flush();
    }
  }

  /**
   * Loads the contender's classes and compiles its recovery path: writes a small log (64 MiB),
   * copies its files while it is still open (a crashed log: no clean-shutdown mark), and recovers
   * the copy, a few times over.
   */
  private static void warmUpRecovery(Contender contender, Path scratch) throws IOException {
    deleteTree(scratch);
    Path live = scratch.resolve("live");
    byte[][] pool = values(Sizes.LARGE_VALUE);
    BenchLog writer = contender.open(live, recoverSpec(), false);
    try {
      byte[][] batch = new byte[Sizes.READ_BATCH][];
      for (int i = 0; i < 64 * 1024; i += batch.length) {
        for (int j = 0; j < batch.length; j++) {
          batch[j] = pool[(i + j) & (pool.length - 1)];
        }
        writer.append(0, batch);
      }
      for (int round = 0; round < 5; round++) {
        Path copy = scratch.resolve("crashed-" + round);
        copyTree(live, copy);
        try (BenchLog reopened = contender.open(copy, recoverSpec(), true)) {
          check(reopened.endOffset(0) == 64 * 1024, "warm-up log end offset", 64 * 1024, reopened.endOffset(0));
        }
      }
    } finally {
      writer.close();
      deleteTree(scratch);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().endsWith(".lock")) {
          Files.copy(p, target);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Many partitions

  /**
   * One log of {@code manyPartitions} partitions (1 MiB segments, so one segment each), opened
   * once; a first round appends one batch to every partition (timed apart: the first write to a
   * partition sets it up); then each repetition appends rounds of one batch of 10 records of 100 B to every partition in
   * turn, until each partition got {@code manyRecordsPerPartition} more records or the repetition
   * has appended for {@code manyCapSeconds}. Open descriptors are sampled after every round (not
   * timed); heap is measured after a full collection at the end of each repetition.
   */
  private void manyPartitions() throws IOException {
    int partitions = sizes.manyPartitions();
    int rounds = sizes.manyRecordsPerPartition() / Sizes.MANY_BATCH;
    if (contender == Contender.CHRONICLE) {
      String reason = "n/a: a Chronicle queue has no partitions";
      for (Report.Row row : Report.ROWS) {
        if (row.workload().equals("many-partitions")) {
          out.add(Measurement.missing(row.workload(), contender.id(), row.metric(), row.unit(), row.better(), reason));
        }
      }
      return;
    }
    LogSpec spec = LogSpec.single().withPartitions(partitions).withSegmentBytes(MANY_SEGMENT_BYTES);
    byte[][] pool = values(Sizes.SMALL_VALUE);
    List<Double> throughput = new ArrayList<>();
    List<Double> maxFds = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> maps = new ArrayList<>();
    List<String> capped = new ArrayList<>();
    Path d = dir.resolve("many");
    deleteTree(d);
    treatment.apply();
    int baseFds = ProcessStats.openDescriptors();
    long openStart = System.nanoTime();
    BenchLog bench = contender.open(d, spec, false);
    double openSec = (System.nanoTime() - openStart) / 1e9;
    int afterOpenFds = ProcessStats.openDescriptors();
    double firstRoundSec;
    long closeStart;
    try {
      byte[][] batch = new byte[Sizes.MANY_BATCH][];
      int next = 0;
      // The first append to each partition creates what a partition needs on its first write
      // (files, mappings, checkpoints): timed on its own, not part of the repetitions.
      long firstStart = System.nanoTime();
      for (int p = 0; p < partitions; p++) {
        for (int j = 0; j < batch.length; j++) {
          batch[j] = pool[next++ & (pool.length - 1)];
        }
        bench.append(p, batch);
      }
      firstRoundSec = (System.nanoTime() - firstStart) / 1e9;
      log.printf("many-partitions %s first round: %.2f s%n", contender.id(), firstRoundSec);
      long roundsDone = 1;
      for (int rep = 0; rep < reps; rep++) {
        treatment.apply();
        long nanos = 0;
        int max = ProcessStats.openDescriptors();
        int round = 0;
        while (round < rounds && nanos < sizes.manyCapSeconds() * 1_000_000_000L) {
          long start = System.nanoTime();
          for (int p = 0; p < partitions; p++) {
            for (int j = 0; j < batch.length; j++) {
              batch[j] = pool[next++ & (pool.length - 1)];
            }
            bench.append(p, batch);
          }
          nanos += System.nanoTime() - start;
          round++;
          max = Math.max(max, ProcessStats.openDescriptors());
        }
        roundsDone += round;
        if (round < rounds) {
          capped.add(String.format("repetition %d stopped after %d of %d rounds (%d s cap)", rep, round,
              rounds, sizes.manyCapSeconds()));
        }
        long records = (long) partitions * round * Sizes.MANY_BATCH;
        throughput.add(records / (nanos / 1e9));
        maxFds.add((double) max);
        maps.add((double) ProcessStats.mappings());
        heap.add(ProcessStats.heapUsedAfterGc() / (double) (1 << 20));
        for (int p = 0; p < partitions; p++) {
          check(bench.endOffset(p) == roundsDone * Sizes.MANY_BATCH, "log end offset of partition " + p,
              roundsDone * Sizes.MANY_BATCH, bench.endOffset(p));
        }
        log.printf("many-partitions %s rep %d: %,.0f records/s over %d rounds, %d fds (max), %.0f MiB heap, %d maps%n",
            contender.id(), rep, throughput.get(rep), round, max, heap.get(rep), maps.get(rep).intValue());
      }
    } finally {
      closeStart = System.nanoTime();
      bench.close();
    }
    double closeSec = (System.nanoTime() - closeStart) / 1e9;
    deleteTree(d);
    String what = String.format("%,d partitions of one 1 MiB segment, opened once; per repetition up to %,d "
            + "rounds of one batch of %d records of 100 B to every partition in turn (at most %d s)%s",
        partitions, rounds, Sizes.MANY_BATCH, sizes.manyCapSeconds(),
        capped.isEmpty() ? "" : "; " + String.join(", ", capped));
    add("many-partitions", "throughput", "records/s", "higher", throughput, what);
    add("many-partitions", "first append", "s", "lower", List.of(firstRoundSec), String.format(
        "one batch of %d records of 100 B to each of the %,d new partitions, right after opening (once, before the repetitions)",
        Sizes.MANY_BATCH, partitions));
    add("many-partitions", "open descriptors", "fds", "lower", maxFds, String.format(
        "most open descriptors of the process (/proc/self/fd) seen during the appends; %d before opening, %d after opening",
        baseFds, afterOpenFds));
    add("many-partitions", "heap", "MiB", "lower", heap, "heap used after a full GC, log open");
    add("many-partitions", "mappings", "maps", "info", maps, "/proc/self/maps lines, log open");
    add("many-partitions", "open", "s", "info", List.of(openSec), "opening and creating the partitions, once");
    add("many-partitions", "close", "s", "info", List.of(closeSec), "flushing and closing every partition, once");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void add(String workload, String metric, String unit, String better, List<Double> values,
      String note) {
    out.add(Measurement.of(workload, contender.id(), metric, unit, better, values, note));
  }

  private void write(Path results) throws IOException {
    List<String> lines = out.stream().map(Measurement::toLine).toList();
    Files.write(results, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** 4096 distinct pseudo-random values of {@code size} bytes (incompressible, the same in every JVM). */
  static byte[][] values(int size) {
    SplittableRandom random = new SplittableRandom(size);
    byte[][] pool = new byte[4096][size];
    for (byte[] v : pool) {
      for (int i = 0; i < size; i += 8) {
        long x = random.nextLong();
        for (int j = 0; j < 8 && i + j < size; j++) {
          v[i + j] = (byte) (x >>> (8 * j));
        }
      }
    }
    return pool;
  }

  private static void check(boolean ok, String what, long expected, long actual) {
    if (!ok) {
      throw new IllegalStateException(what + " is wrong: expected=" + expected + ", actual=" + actual);
    }
  }

  static void deleteTree(Path d) throws IOException {
    if (!Files.exists(d)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(d)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static long treeBytes(Path d) {
    long sum = 0;
    for (Path f : PageCache.regularFiles(d)) {
      try {
        sum += Files.size(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sum;
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an option, got: " + args[i]);
      }
      String key = args[i].substring(2);
      boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
      m.put(key, flag ? "true" : args[++i]);
    }
    return m;
  }

  private static String require(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing option --" + key);
    }
    return v;
  }
}
