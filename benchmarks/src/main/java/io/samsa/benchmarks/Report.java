package io.samsa.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns the measurements of one run into what people and programs read: the table of every
 * workload × contender (medians), the ratios against the targets, JSON and CSV.
 */
final class Report {
  /** The columns of the table, in order. */
  static final List<String> COLUMNS = List.of("file", "mmap", "rocksdb", "kafka", "chronicle", "dd");

  /**
   * One row of the table: a workload's metric.
   *
   * @param group the group of {@link ContenderRun} that measures it (to show a failed group)
   */
  record Row(String workload, String metric, String unit, String better, String group) {
    String label() {
      return workload + (metric.equals("throughput") || metric.equals("bandwidth") || metric.equals("time")
          ? "" : " " + metric);
    }

    String betterText() {
      return better.equals("higher") ? "higher is better" : "lower is better";
    }
  }

  static final List<Row> ROWS = List.of(
      new Row("append-100B", "throughput", "records/s", "higher", "append-100B"),
      new Row("append-1KB", "throughput", "records/s", "higher", "append-1KB"),
      new Row("append-1KB", "bandwidth", "MB/s", "higher", "append-1KB"),
      new Row("append-1KB-fsync", "bandwidth", "MB/s", "higher", "append-1KB-fsync"),
      new Row("read-seq-warm", "bandwidth", "MB/s", "higher", "read"),
      new Row("read-seq-cold", "bandwidth", "MB/s", "higher", "read"),
      new Row("read-seq-cold-no-readahead", "bandwidth", "MB/s", "higher", "read"),
      new Row("read-seq-cold-readahead-2MiB", "bandwidth", "MB/s", "higher", "read"),
      new Row("read-seq-cold-readahead-32MiB", "bandwidth", "MB/s", "higher", "read"),
      new Row("read-random", "p50", "us", "lower", "read"),
      new Row("read-random", "p99", "us", "lower", "read"),
      new Row("recover", "time", "s", "lower", "recover"),
      new Row("recover-cold", "time", "s", "lower", "recover"),
      new Row("recover-warm-jvm", "time", "s", "lower", "recover"),
      new Row("many-partitions", "throughput", "records/s", "higher", "many-partitions"),
      new Row("many-partitions", "first append", "s", "lower", "many-partitions"),
      new Row("many-partitions", "open descriptors", "fds", "lower", "many-partitions"),
      new Row("many-partitions", "heap", "MiB", "lower", "many-partitions"));

  /**
   * A ratio against one of the targets.
   *
   * @param target the target as the issue states it
   * @param subject what is compared with what
   * @param value the ratio (or the count, for descriptors), NaN if a side is missing
   * @param atLeast whether the value must be at least {@code bound} (else at most)
   */
  record Target(String target, String subject, double value, boolean atLeast, double bound, String detail) {
    Optional<Boolean> met() {
      return Double.isNaN(value) ? Optional.empty()
          : Optional.of(atLeast ? value >= bound : value <= bound);
    }

    String metText() {
      return met().map(m -> m ? "yes" : "**no**").orElse("not measured");
    }
  }

  private final List<Measurement> measurements;
  private final Map<String, String> failures;

  /**
   * @param failures the reason each failed (group/contender) failed, keyed {@code group/contender}
   */
  Report(List<Measurement> measurements, Map<String, String> failures) {
    this.measurements = List.copyOf(measurements);
    this.failures = Map.copyOf(failures);
  }

  List<Measurement> measurements() {
    return measurements;
  }

  Optional<Measurement> find(String workload, String contender, String metric) {
    return measurements.stream()
        .filter(m -> m.workload().equals(workload) && m.contender().equals(contender)
            && m.metric().equals(metric))
        .findFirst();
  }

  /** The median of a measurement, NaN if it is missing or has no values. */
  double median(String workload, String contender, String metric) {
    return find(workload, contender, metric).filter(Measurement::hasValues)
        .map(Measurement::median).orElse(Double.NaN);
  }

  /** The table cell of a row and column: the median, or why there is none. */
  String cell(Row row, String contender) {
    Optional<Measurement> m = find(row.workload(), contender, row.metric());
    if (m.isPresent() && m.get().hasValues()) {
      return format(m.get().median());
    }
    if (m.isPresent() && m.get().note().startsWith("n/a")) {
      return "n/a";
    }
    if (failures.containsKey(row.group() + "/" + contender)) {
      return "failed";
    }
    return "–";
  }

  /** The ratios against the targets. */
  List<Target> targets() {
    List<Target> t = new ArrayList<>();
    for (String w : List.of("append-100B", "append-1KB")) {
      t.add(ratio("file " + w + " ≥ 1.5× Kafka's UnifiedLog", "file / kafka, records/s",
          w, "file", "kafka", "throughput", true, 1.5));
    }
    t.add(ratio("mmap append-100B ≥ Chronicle Queue", "mmap / chronicle, records/s",
        "append-100B", "mmap", "chronicle", "throughput", true, 1.0));
    for (String c : List.of("file", "mmap", "rocksdb")) {
      t.add(ratio("append-1KB-fsync ≥ 0.9× dd", c + " / dd bs=64k oflag=dsync, MB/s",
          "append-1KB-fsync", c, "dd", "bandwidth", true, 0.9));
    }
    double fsyncFile = median("append-1KB-fsync", "file", "bandwidth");
    double ddSeq = median("append-1KB", "dd", "bandwidth");
    t.add(new Target("append-1KB-fsync ≥ 0.9× dd (literal reading)", "file / dd bs=1M conv=fdatasync, MB/s",
        fsyncFile / ddSeq, true, 0.9, describe(fsyncFile, ddSeq, "MB/s")));
    double ra = median("read-seq-cold", "file", "bandwidth");
    double noRa = median("read-seq-cold-no-readahead", "file", "bandwidth");
    t.add(new Target("read-seq cold with read-ahead ≥ 1.3× without", "file, read-ahead policy on / off, MB/s",
        ra / noRa, true, 1.3, describe(ra, noRa, "MB/s")));
    for (String c : List.of("file", "mmap", "rocksdb")) {
      t.add(ratio("read-random p99 ≤ Kafka's", c + " / kafka, p99", "read-random", c, "kafka", "p99", false, 1.0));
    }
    for (String w : List.of("recover", "recover-cold", "recover-warm-jvm")) {
      for (String c : List.of("file", "mmap", "rocksdb")) {
        t.add(ratio("recover ≤ 0.5× Kafka's time", c + " / kafka, " + w + " seconds", w, c, "kafka", "time", false, 0.5));
      }
    }
    double kafkaFds = median("many-partitions", "kafka", "open descriptors");
    for (String c : List.of("file", "mmap", "rocksdb")) {
      double fds = median("many-partitions", c, "open descriptors");
      t.add(new Target("many-partitions: open descriptors ≤ 1,100", c + " (Kafka's log: "
          + (Double.isNaN(kafkaFds) ? "not measured" : format(kafkaFds)) + ")", fds, false, 1100,
          Double.isNaN(fds) ? "not measured" : format(fds) + " descriptors"));
    }
    return t;
  }

  private Target ratio(String target, String subject, String workload, String a, String b,
      String metric, boolean atLeast, double bound) {
    double x = median(workload, a, metric);
    double y = median(workload, b, metric);
    String unit = find(workload, a, metric).map(Measurement::unit).orElse("");
    return new Target(target, subject, x / y, atLeast, bound, describe(x, y, unit));
  }

  private static String describe(double x, double y, String unit) {
    return (Double.isNaN(x) ? "not measured" : format(x)) + " vs "
        + (Double.isNaN(y) ? "not measured" : format(y)) + " " + unit;
  }

  // ---------------------------------------------------------------------------------------------
  // Markdown

  /** The results table: one row per workload metric, one column per contender, medians. */
  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| workload | unit | ").append(String.join(" | ", COLUMNS)).append(" |\n");
    sb.append("| --- | --- |").append(" ---: |".repeat(COLUMNS.size())).append('\n');
    for (Row row : ROWS) {
      sb.append("| ").append(row.label()).append(" | ").append(row.unit())
          .append(row.better().equals("higher") ? " ↑" : " ↓").append(" |");
      for (String c : COLUMNS) {
        sb.append(' ').append(cell(row, c)).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The targets as a table. */
  String targetTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| target | compared | measured | ratio | met |\n| --- | --- | --- | ---: | --- |\n");
    for (Target t : targets()) {
      boolean count = t.target().startsWith("many-partitions");
      sb.append("| ").append(t.target()).append(" | ").append(t.subject()).append(" | ")
          .append(t.detail()).append(" | ")
          .append(Double.isNaN(t.value()) ? "–" : count ? format(t.value()) : String.format(Locale.ROOT, "%.2f×", t.value()))
          .append(" | ").append(t.metText()).append(" |\n");
    }
    return sb.toString();
  }

  /** Every measurement's note, per workload and contender: what exactly was measured. */
  String notes() {
    StringBuilder sb = new StringBuilder();
    for (Measurement m : measurements) {
      if (!m.note().isEmpty() && (isRowMetric(m) || !m.hasValues())) {
        sb.append("- `").append(m.workload()).append("` ").append(m.metric()).append(", ")
            .append(m.contender()).append(": ").append(m.note());
        if (m.hasValues()) {
          sb.append(" (values: ").append(Arrays.stream(m.values()).mapToObj(Report::format)
              .collect(Collectors.joining(", "))).append(')');
        }
        sb.append('\n');
      }
    }
    for (Map.Entry<String, String> f : failures.entrySet()) {
      sb.append("- failed: `").append(f.getKey()).append("`: ").append(f.getValue()).append('\n');
    }
    return sb.toString();
  }

  private static boolean isRowMetric(Measurement m) {
    return ROWS.stream().anyMatch(r -> r.workload().equals(m.workload()) && r.metric().equals(m.metric()));
  }

  // ---------------------------------------------------------------------------------------------
  // CSV and JSON

  String csv() {
    StringBuilder sb = new StringBuilder("workload,contender,metric,unit,better,median,values,note\n");
    for (Measurement m : measurements) {
      sb.append(String.join(",", m.workload(), m.contender(), csvField(m.metric()), m.unit(), m.better(),
          m.hasValues() ? String.format(Locale.ROOT, "%.6g", m.median()) : "",
          csvField(Arrays.stream(m.values()).mapToObj(v -> String.format(Locale.ROOT, "%.6g", v))
              .collect(Collectors.joining(" "))),
          csvField(m.note()))).append('\n');
    }
    return sb.toString();
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  /** The whole run as JSON: {@code run} facts, {@code measurements}, {@code targets}, {@code failures}. */
  String json(Map<String, Object> run) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run", run);
    List<Object> ms = new ArrayList<>();
    for (Measurement m : measurements) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("workload", m.workload());
      o.put("contender", m.contender());
      o.put("metric", m.metric());
      o.put("unit", m.unit());
      o.put("better", m.better());
      o.put("median", m.hasValues() ? m.median() : null);
      o.put("values", Arrays.stream(m.values()).boxed().toList());
      o.put("note", m.note());
      ms.add(o);
    }
    root.put("measurements", ms);
    List<Object> ts = new ArrayList<>();
    for (Target t : targets()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("target", t.target());
      o.put("compared", t.subject());
      o.put("value", Double.isNaN(t.value()) ? null : t.value());
      o.put("bound", t.bound());
      o.put("atLeast", t.atLeast());
      o.put("met", t.met().orElse(null));
      o.put("detail", t.detail());
      ts.add(o);
    }
    root.put("targets", ts);
    root.put("failures", failures);
    StringBuilder sb = new StringBuilder();
    writeJson(sb, root, "");
    return sb.append('\n').toString();
  }

  static void writeJson(StringBuilder sb, Object v, String indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      sb.append('"');
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\t' -> sb.append("\\t");
          case '\r' -> sb.append("\\r");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    } else if (v instanceof Double d) {
      sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", d));
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> map) {
      String inner = indent + "  ";
      sb.append("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(first ? "\n" : ",\n").append(inner);
        writeJson(sb, String.valueOf(e.getKey()), inner);
        sb.append(": ");
        writeJson(sb, e.getValue(), inner);
        first = false;
      }
      sb.append(first ? "}" : "\n" + indent + "}");
    } else if (v instanceof List<?> list) {
      boolean scalars = list.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean);
      if (scalars) {
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          writeJson(sb, list.get(i), indent);
        }
        sb.append(']');
        return;
      }
      String inner = indent + "  ";
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "\n" : ",\n").append(inner);
        writeJson(sb, list.get(i), inner);
      }
      sb.append(list.isEmpty() ? "]" : "\n" + indent + "]");
    } else {
      writeJson(sb, v.toString(), indent);
    }
  }

  /** A number for people: millions as "1.23 M", thousands with separators, small ones with 3 digits. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.2f M", v / 1e6);
    }
    if (a >= 1e4) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
