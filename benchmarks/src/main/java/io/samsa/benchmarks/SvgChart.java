package io.samsa.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the results as an SVG: one small panel per row of the table, a horizontal bar per
 * contender (the median), the value written at the end of the bar. Plain SVG 1.1, no scripts, no
 * fonts beyond the generic families, so that it renders the same in a browser and on GitHub.
 */
final class SvgChart {
  private static final Map<String, String> COLORS = Map.of(
      "file", "#1f77b4", "mmap", "#2ca02c", "rocksdb", "#9467bd",
      "kafka", "#d62728", "chronicle", "#ff7f0e", "dd", "#7f7f7f");
  private static final int PANEL_W = 470;
  private static final int BAR_H = 16;
  private static final int GAP = 4;
  private static final int LABEL_W = 80;
  private static final int VALUE_W = 80;
  private static final int COLS = 2;

  private SvgChart() {}

  static String render(Report report, String title, String subtitle) {
    List<Report.Row> rows = Report.ROWS;
    int panelH = 34 + Report.COLUMNS.size() * (BAR_H + GAP) + 10;
    int header = 64;
    int legendH = 30;
    int width = COLS * PANEL_W + 20;
    int height = header + (rows.size() + COLS - 1) / COLS * panelH + legendH;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
    sb.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    sb.append(text(10, 22, 16, "bold", "start", title));
    sb.append(text(10, 42, 11, "normal", "start", subtitle));
    int legendX = 10;
    for (String c : Report.COLUMNS) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"50\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
          legendX, COLORS.get(c)));
      sb.append(text(legendX + 14, 59, 11, "normal", "start", c));
      legendX += 90;
    }
    for (int i = 0; i < rows.size(); i++) {
      int x = 10 + (i % COLS) * PANEL_W;
      int y = header + (i / COLS) * panelH;
      panel(sb, report, rows.get(i), x, y, panelH);
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void panel(StringBuilder sb, Report report, Report.Row row, int x, int y, int h) {
    sb.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#dddddd\"/>%n",
        x, y + 4, PANEL_W - 10, h - 8));
    sb.append(text(x + 8, y + 20, 12, "bold", "start",
        row.label() + " (" + row.unit() + ", " + row.betterText() + ")"));
    List<Double> values = new ArrayList<>();
    double max = 0;
    for (String c : Report.COLUMNS) {
      double v = report.median(row.workload(), c, row.metric());
      values.add(v);
      if (!Double.isNaN(v)) {
        max = Math.max(max, v);
      }
    }
    int barX = x + 8 + LABEL_W;
    int barMax = PANEL_W - 10 - 16 - LABEL_W - VALUE_W;
    for (int j = 0; j < Report.COLUMNS.size(); j++) {
      String c = Report.COLUMNS.get(j);
      int by = y + 30 + j * (BAR_H + GAP);
      sb.append(text(x + 8, by + BAR_H - 4, 11, "normal", "start", c));
      double v = values.get(j);
      if (Double.isNaN(v)) {
        sb.append(text(barX + 2, by + BAR_H - 4, 11, "normal", "start", report.cell(row, c)));
        continue;
      }
      int w = max <= 0 ? 0 : (int) Math.max(1, Math.round(barMax * v / max));
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", barX, by, w, BAR_H,
          COLORS.get(c)));
      sb.append(text(barX + w + 4, by + BAR_H - 4, 11, "normal", "start", Report.format(v)));
    }
  }

  private static String text(int x, int y, int size, String weight, String anchor, String s) {
    return String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\">%s</text>%n",
        x, y, size, weight, anchor, escape(s));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
