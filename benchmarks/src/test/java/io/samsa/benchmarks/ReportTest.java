package io.samsa.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static Measurement m(String workload, String contender, String metric, double... values) {
    return new Measurement(workload, contender, metric, "x", "higher", values, "note with\ttab");
  }

  @Test
  void parse_lineWrittenByToLine_isTheSameMeasurement() {
    Measurement m = m("append-100B", "file", "throughput", 1.5e6, 1.25e6, 2e6);

    Measurement back = Measurement.parse(m.toLine());

    assertEquals(List.of(m.workload(), m.contender(), m.metric(), m.unit(), m.better(), m.note()),
        List.of(back.workload(), back.contender(), back.metric(), back.unit(), back.better(), back.note()));
    assertEquals(1.5e6, back.median(), 1);
  }

  @Test
  void targets_fileTwiceKafka_meetsTheAppendTarget() {
    Report r = new Report(List.of(
        m("append-100B", "file", "throughput", 2e6, 2.2e6, 1.8e6),
        m("append-100B", "kafka", "throughput", 1e6)), Map.of());

    Report.Target t = r.targets().get(0);

    assertEquals(2.0, t.value(), 1e-9);
    assertEquals(Boolean.TRUE, t.met().orElseThrow());
    assertTrue(r.targets().get(1).met().isEmpty(), "append-1KB was not measured");
  }

  @Test
  void table_failedGroupAndNotApplicable_sayWhy() {
    Report r = new Report(List.of(
        Measurement.missing("many-partitions", "chronicle", "throughput", "records/s", "higher", "n/a: no partitions")),
        Map.of("many-partitions/kafka", "exit 1: Too many open files"));

    String table = r.table();

    assertTrue(table.contains("| many-partitions | records/s ↑ | – | – | – | failed | n/a | – |"), table);
  }

  @Test
  void jsonAndSvg_ofSomeMeasurements_areWellFormedEnough() {
    Report r = new Report(List.of(m("read-random", "file", "p99", 12.5), m("recover", "kafka", "time", 3)),
        Map.of());

    String json = r.json(Map.of("scale", "smoke"));
    String svg = SvgChart.render(r, "title <&>", "sub");

    assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
    assertTrue(json.contains("\"note\": \"note with tab\""), json);
    assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"));
    assertTrue(svg.contains("title &lt;&amp;&gt;"));
  }
}
