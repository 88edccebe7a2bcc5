package io.samsa.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One metric of one workload on one contender: a value per repetition, and the median over them.
 * A measurement without values is a workload that failed or does not apply; {@link #note} says why.
 *
 * <p>Written by the child JVMs as tab-separated lines ({@link #toLine}), read by the harness.
 *
 * @param workload e.g. {@code append-100B}
 * @param contender e.g. {@code file}, {@code kafka}, {@code dd}
 * @param metric e.g. {@code records/s}
 * @param unit e.g. {@code records/s}, {@code MB/s}, {@code us}, {@code s}
 * @param better which way is better: {@code higher}, {@code lower}, or {@code info}
 * @param values one per repetition
 * @param note what else the reader needs to know, or the reason there are no values
 */
record Measurement(String workload, String contender, String metric, String unit, String better,
    double[] values, String note) {

  Measurement {
    values = values.clone();
    note = note == null ? "" : note.replaceAll("[\\t\\r\\n]+", " ").trim();
  }

  static Measurement of(String workload, String contender, String metric, String unit,
      String better, List<Double> values, String note) {
    return new Measurement(workload, contender, metric, unit, better,
        values.stream().mapToDouble(Double::doubleValue).toArray(), note);
  }

  /** A workload that produced nothing on this contender, with the reason. */
  static Measurement missing(String workload, String contender, String metric, String unit,
      String better, String reason) {
    return new Measurement(workload, contender, metric, unit, better, new double[0], reason);
  }

  boolean hasValues() {
    return values.length > 0;
  }

  double median() {
    return Stats.median(values);
  }

  String toLine() {
    String v = Arrays.stream(values).mapToObj(d -> String.format(Locale.ROOT, "%.6g", d))
        .collect(Collectors.joining(","));
    return String.join("\t", workload, contender, metric, unit, better, v, note);
  }

  /**
   * Parses a line written by {@link #toLine}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static Measurement parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 7) {
      throw new IllegalArgumentException("not a measurement line (7 tab-separated fields): " + line);
    }
    List<Double> values = new ArrayList<>();
    for (String s : f[5].split(",")) {
      if (!s.isBlank()) {
        values.add(Double.parseDouble(s));
      }
    }
    return of(f[0], f[1], f[2], f[3], f[4], values, f[6]);
  }
}
