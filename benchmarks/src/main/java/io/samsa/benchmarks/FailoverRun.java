package io.samsa.benchmarks;

import io.samsa.examples.FailoverMeasurement;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fail-over benchmark of the replication issue: the time from a node's death until every
 * partition it led accepts writes again, for a node leading 100, 1,000 and 10,000 partitions, with
 * {@link FailoverMeasurement} (two nodes, replication factor 2, so that every partition the victim
 * leads has one in-sync follower to take over). Each size runs once unmeasured, then {@code reps}
 * times; the medians go into a Markdown table and an SVG chart.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.samsa.benchmarks.FailoverRun \
 *     [--sizes 100,1000,10000] [--reps 5] [--backend file] [--data DIR] [--out DIR]
 * </pre>
 */
public final class FailoverRun {
  /** The medians of one size. */
  record Point(int partitions, double electedMs, double firstWriteMs, List<Double> elected,
      List<Double> firstWrite) {}

  private FailoverRun() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = ContenderRun.parse(args);
    int[] sizes = Arrays.stream(a.getOrDefault("sizes", "100,1000,10000").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int reps = Integer.parseInt(a.getOrDefault("reps", "5"));
    String backend = a.getOrDefault("backend", "file");
    Path data = Path.of(a.getOrDefault("data", "benchmarks/target/bench-data/failover"));
    Path out = Path.of(a.getOrDefault("out", "benchmarks/results"));
    PrintStream log = System.out;
    List<Point> points = new ArrayList<>();
    for (int n : sizes) {
      List<Double> elected = new ArrayList<>();
      List<Double> firstWrite = new ArrayList<>();
      for (int rep = -1; rep < reps; rep++) { // rep -1: warm-up, not recorded
        Path dir = data.resolve("n" + n + "-r" + (rep + 1));
        ContenderRun.deleteTree(dir);
        Files.createDirectories(dir);
        try {
          FailoverMeasurement.Result r = FailoverMeasurement.measure(dir, n, backend);
          if (r.partitionsLed() != n) {
            throw new IllegalStateException("node 1 led " + r.partitionsLed() + " partitions, not " + n);
          }
          if (rep >= 0) {
            elected.add(r.elected().toNanos() / 1e6);
            firstWrite.add(r.firstWrite().toNanos() / 1e6);
          }
          log.printf(Locale.ROOT, "failover %,d partitions %s: elected %.1f ms, first write to all %.1f ms%n",
              n, rep < 0 ? "warm-up" : "rep " + rep, r.elected().toNanos() / 1e6,
              r.firstWrite().toNanos() / 1e6);
        } finally {
          ContenderRun.deleteTree(dir);
        }
      }
      points.add(new Point(n, median(elected), median(firstWrite), elected, firstWrite));
    }
    Files.createDirectories(out);
    String table = table(points, backend, reps);
    Files.writeString(out.resolve("failover.md"), table);
    Files.writeString(out.resolve("failover.svg"), svg(points, backend));
    log.print(table);
    log.println("results in " + out.toAbsolutePath());
  }

  static String table(List<Point> points, String backend, int reps) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Backend `%s`, two nodes, replication factor 2; medians of %d "
        + "repetitions after one warm-up.%n%n", backend, reps));
    sb.append("| partitions led by the dead node | elected (ms) | + first write to every one (ms) | "
        + "total (ms) | elected, every repetition (ms) |\n");
    sb.append("| ---: | ---: | ---: | ---: | --- |\n");
    for (Point p : points) {
      sb.append(String.format(Locale.ROOT, "| %,d | %.1f | %.1f | %.1f | %s |%n", p.partitions(),
          p.electedMs(), p.firstWriteMs(), p.electedMs() + p.firstWriteMs(), join(p.elected())));
    }
    return sb.toString();
  }

  private static double median(List<Double> values) {
    return Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static String join(List<Double> values) {
    List<String> s = new ArrayList<>();
    for (double v : values) {
      s.add(String.format(Locale.ROOT, "%.1f", v));
    }
    return String.join(", ", s);
  }

  /** One row per size: a bar for the election and, stacked after it, the first writes. */
  static String svg(List<Point> points, String backend) {
    int labelW = 120;
    int barMax = 520;
    int rowH = 34;
    int top = 60;
    int width = labelW + barMax + 150;
    int height = top + points.size() * rowH + 50;
    double max = 1;
    for (Point p : points) {
      max = Math.max(max, p.electedMs() + p.firstWriteMs());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", width, height, width, height));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    sb.append(text(10, 22, 15, "bold", "Fail-over: a node's death until its partitions accept writes"));
    sb.append(text(10, 42, 11, "normal", "backend " + backend + ", medians (ms); blue: new leaders "
        + "elected and ready; grey: then one acks=1 write to every one of them"));
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      int y = top + i * rowH;
      int elected = (int) Math.max(1, Math.round(barMax * p.electedMs() / max));
      int writes = (int) Math.max(1, Math.round(barMax * p.firstWriteMs() / max));
      sb.append(text(labelW - 8, y + 16, 12, "normal", String.format(Locale.ROOT, "%,d partitions", p.partitions()))
          .replace("<text ", "<text text-anchor=\"end\" "));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"#1f77b4\"/>%n",
          labelW, y + 2, elected));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"#bbbbbb\"/>%n",
          labelW + elected, y + 2, writes));
      sb.append(text(labelW + elected + writes + 6, y + 16, 11, "normal", String.format(Locale.ROOT,
          "%.1f + %.1f ms", p.electedMs(), p.firstWriteMs())));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String text(int x, int y, int size, String weight, String s) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
        x, y, size, weight, s.replace("&", "&amp;").replace("<", "&lt;"));
  }
}
