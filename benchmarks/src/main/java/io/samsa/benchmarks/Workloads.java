package io.samsa.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole-workload harness: runs every workload of issue 4 on Samsa's {@code file}, {@code mmap}
 * and {@code rocksdb} backends and on the two baselines (Kafka's {@code UnifiedLog}, Chronicle
 * Queue), plus the disk's own limits with {@code dd}, in one run, and writes the results (JSON,
 * CSV, a Markdown section and an SVG chart).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.samsa.benchmarks.Workloads \
 *     [--scale full|medium|smoke] [--reps N] [--contenders file,mmap,...] \
 *     [--groups dd,append-100B,...] [--data DIR] [--out DIR] [--doc BENCHMARKS.md] [--heap 4g]
 * </pre>
 *
 * <p>Each group of workloads runs, for each contender in turn, in a child JVM of its own ({@link
 * ContenderRun}) with the same heap and only the flags the contender needs: Chronicle Queue gets its
 * {@code --add-opens}; Samsa and Kafka get none. Groups run one after the other, so that the
 * contenders of a workload run close together in time; every write workload starts with the same
 * page-cache {@link Treatment}. A child that fails is recorded as failed and the run goes on.
 */
public final class Workloads {
  private static final String BEGIN = "<!-- results:begin -->";
  private static final String END = "<!-- results:end -->";

  private final Sizes sizes;
  private final int reps;
  private final List<Contender> contenders;
  private final List<String> groups;
  private final Path data;
  private final Path out;
  private final Path doc;
  private final String heap;
  private final int childTimeoutMinutes;
  private final String commandLine;
  private final PrintStream log = System.out;
  private final List<Measurement> measurements = new ArrayList<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final Map<String, Object> childSeconds = new LinkedHashMap<>();

  private Workloads(Map<String, String> a, String commandLine) {
    sizes = Sizes.of(a.getOrDefault("scale", "full"));
    reps = Integer.parseInt(a.getOrDefault("reps", sizes.name().equals("smoke") ? "1" : "3"));
    contenders = Arrays.stream(a.getOrDefault("contenders", "file,mmap,rocksdb,kafka,chronicle").split(","))
        .map(Contender::of).toList();
    List<String> all = new ArrayList<>(List.of("dd"));
    all.addAll(ContenderRun.GROUPS);
    groups = a.containsKey("groups") ? List.of(a.get("groups").split(",")) : all;
    for (String g : groups) {
      if (!all.contains(g)) {
        throw new IllegalArgumentException("unknown group: " + g + " (known: " + all + ")");
      }
    }
    data = Path.of(a.getOrDefault("data", "benchmarks/target/bench-data")).toAbsolutePath();
    out = Path.of(a.getOrDefault("out", sizes.name().equals("full")
        ? "benchmarks/results" : "benchmarks/target/results-" + sizes.name())).toAbsolutePath();
    doc = a.containsKey("doc") ? Path.of(a.get("doc")).toAbsolutePath() : null;
    heap = a.getOrDefault("heap", "4g");
    childTimeoutMinutes = Integer.parseInt(a.getOrDefault("child-timeout-minutes", "40"));
    if (reps < 1) {
      throw new IllegalArgumentException("--reps must be >= 1: reps=" + reps);
    }
    this.commandLine = commandLine;
  }

  /** Runs the harness; a bad argument or a failure to write the results ends it with an exception. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got: " + String.join(" ", args)
            + " (options: --scale, --reps, --contenders, --groups, --data, --out, --doc, --heap, --child-timeout-minutes)");
      }
      a.put(args[i].substring(2), args[++i]);
    }
    String command = "java -cp benchmarks/target/benchmarks.jar " + Workloads.class.getName()
        + (args.length == 0 ? "" : " " + String.join(" ", args));
    new Workloads(a, command).run();
  }

  private void run() throws Exception {
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Files.createDirectories(data);
    ContenderRun.deleteTree(data.resolve("work"));
    Map<String, String> machine = Machine.describe(data);
    Treatment treatment = new Treatment(data, sizes.scratchBytes());
    log.printf("Samsa workloads: scale %s, %d repetitions, contenders %s, groups %s%n", sizes.name(),
        reps, contenders.stream().map(Contender::id).toList(), groups);
    log.printf("data in %s, results to %s%n", data, out);
    machine.forEach((k, v) -> log.printf("  %s: %s%n", k, v));

    long start = System.nanoTime();
    for (String group : groups) {
      if (group.equals("dd")) {
        log.println("== dd");
        long ddStart = System.nanoTime();
        try {
          measurements.addAll(new DiskBaseline(data.resolve("dd"), sizes, reps, treatment, log).run());
        } catch (IOException e) {
          failures.put("dd/dd", e.getMessage());
          log.println("dd failed: " + e.getMessage());
        }
        childSeconds.put("dd", Math.round((System.nanoTime() - ddStart) / 1e8) / 10.0);
        continue;
      }
      for (Contender c : contenders) {
        runChild(group, c);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    Map<String, Object> run = new LinkedHashMap<>();
    run.put("started", started.toString());
    run.put("duration", String.format("%d min %d s", took.toMinutes(), took.toSecondsPart()));
    run.put("command", commandLine);
    run.put("scale", sizes.name());
    run.put("sizes", sizes.toString());
    run.put("repetitions", reps);
    run.put("machine", machine);
    run.put("pageCacheTreatment", treatment.describe() + "; applied before every repetition of every "
        + "write workload (appends, the read workloads' setup, each recover writer, many-partitions) "
        + "and every dd write, for every contender");
    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("common", String.join(" ", commonJvmFlags()));
    for (Contender c : contenders) {
      jvm.put(c.id(), c.jvmFlags().isEmpty() ? "(none)" : String.join(" ", c.jvmFlags()));
    }
    run.put("jvmFlags", jvm);
    run.put("secondsPerGroupAndContender", childSeconds);
    write(new Report(measurements, failures), run, took);
  }

  private List<String> commonJvmFlags() {
    return List.of("-Xmx" + heap, "-XX:+UseG1GC");
  }

  /** Runs one group on one contender in a child JVM and collects what it wrote, failed or not. */
  private void runChild(String group, Contender c) throws IOException, InterruptedException {
    log.printf("== %s on %s%n", group, c.id());
    long started = System.nanoTime();
    Path results = data.resolve("results").resolve(group + "-" + c.id() + ".tsv");
    Path logFile = data.resolve("logs").resolve(group + "-" + c.id() + ".log");
    Files.createDirectories(results.getParent());
    Files.createDirectories(logFile.getParent());
    Files.deleteIfExists(results);
    Path work = data.resolve("work").resolve(c.id());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(commonJvmFlags());
    cmd.addAll(c.jvmFlags());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ContenderRun.class.getName(),
        "--contender", c.id(), "--group", group, "--scale", sizes.name(), "--reps",
        Integer.toString(reps), "--dir", work.toString(), "--results", results.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // RocksDB unpacks its JNI library on every start; keep the copies (and those a killed JVM
    // leaves behind) out of /tmp.
    pb.environment().put("ROCKSDB_SHAREDLIB_DIR", data.resolve("rocksdb-lib").toString());
    Files.createDirectories(data.resolve("rocksdb-lib"));
    Process p = pb.start();
    Deque<String> last = new ArrayDeque<>();
    Thread pump = new Thread(() -> pump(p, logFile, group + "/" + c.id(), last), "pump-" + group + "-" + c.id());
    pump.start();
    boolean finished = p.waitFor(childTimeoutMinutes, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
      p.waitFor();
    }
    pump.join();
    if (Files.exists(results)) {
      for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          measurements.add(Measurement.parse(line));
        }
      }
    }
    if (!finished || p.exitValue() != 0) {
      String reason = !finished ? "timed out after " + childTimeoutMinutes + " min"
          : "exit " + p.exitValue() + ": " + failureReason(last);
      failures.put(group + "/" + c.id(), reason + " (log: " + logFile + ")");
      log.printf("!! %s on %s failed: %s%n", group, c.id(), reason);
    }
    ContenderRun.deleteTree(work);
    double took = (System.nanoTime() - started) / 1e9;
    childSeconds.put(group + "/" + c.id(), Math.round(took * 10) / 10.0);
    log.printf("-- %s on %s took %.1f s%n", group, c.id(), took);
  }

  private void pump(Process p, Path logFile, String prefix, Deque<String> last) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter w = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        w.write(line);
        w.newLine();
        log.println("  [" + prefix + "] " + line);
        synchronized (last) {
          last.addLast(line);
          if (last.size() > 40) {
            last.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      log.println("  [" + prefix + "] output lost: " + e);
    }
  }

  /** The exception line of a failed child's output, else its last line. */
  private static String failureReason(Deque<String> last) {
    synchronized (last) {
      for (String line : last) {
        if (line.startsWith("Exception in thread") || line.contains("Error:") && !line.startsWith("\t")) {
          return line.trim();
        }
      }
      return last.isEmpty() ? "(no output)" : last.getLast().trim();
    }
  }

  private void write(Report report, Map<String, Object> run, Duration took) throws IOException {
    Files.createDirectories(out);
    Files.writeString(out.resolve("workloads.json"), report.json(run), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("workloads.csv"), report.csv(), StandardCharsets.UTF_8);
    String subtitle = String.format("%s, scale %s, medians of %d repetitions, %s",
        run.get("started"), sizes.name(), reps, run.get("machine") instanceof Map<?, ?> m ? m.get("kernel") : "");
    Files.writeString(out.resolve("workloads.svg"),
        SvgChart.render(report, "Samsa vs Kafka's log vs Chronicle Queue: one run of every workload", subtitle),
        StandardCharsets.UTF_8);
    Path base = doc != null ? doc.getParent() : out;
    String section = markdown(report, run, base.relativize(out.resolve("workloads.svg")).toString(),
        base.relativize(out.resolve("workloads.json")).toString());
    Files.writeString(out.resolve("workloads.md"), section, StandardCharsets.UTF_8);
    log.println();
    log.println(report.table());
    log.println(report.targetTable());
    log.printf("took %d min %d s; results in %s%n", took.toMinutes(), took.toSecondsPart(), out);
    if (doc != null) {
      String text = Files.readString(doc, StandardCharsets.UTF_8);
      int b = text.indexOf(BEGIN);
      int e = text.indexOf(END);
      if (b < 0 || e < b) {
        throw new IllegalStateException("cannot update the document: markers " + BEGIN + " and " + END
            + " not found in order: doc=" + doc + " (the results are in " + out + ")");
      }
      Files.writeString(doc, text.substring(0, b + BEGIN.length()) + "\n" + section + text.substring(e),
          StandardCharsets.UTF_8);
      log.println("updated " + doc);
    }
  }

  private String markdown(Report report, Map<String, Object> run, String svg, String json) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Run of %s (UTC), scale `%s`, repetitions per workload: %d (medians shown), "
            + "%s in all, with:%n%n```sh%n%s%n```%n%n", run.get("started"), sizes.name(), reps,
        run.get("duration"), commandLine));
    sb.append("![every workload on every contender](").append(svg).append(")\n\n");
    sb.append(report.table()).append('\n');
    sb.append("↑ higher is better, ↓ lower is better. n/a: the workload does not apply; –: not measured; "
        + "failed: see the notes. Every repetition's value: `").append(json)
        .append("` (and `.csv` beside it).\n\n");
    sb.append("### Against the targets of the issue\n\n").append(report.targetTable()).append('\n');
    sb.append("### Machine\n\n");
    if (run.get("machine") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
    }
    if (run.get("jvmFlags") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> sb.append("- JVM flags, ").append(k).append(": `").append(v).append("`\n"));
    }
    sb.append("- page-cache treatment: ").append(run.get("pageCacheTreatment")).append("\n\n");
    sb.append("### What each cell measured\n\n").append(report.notes());
    return sb.toString();
  }
}
