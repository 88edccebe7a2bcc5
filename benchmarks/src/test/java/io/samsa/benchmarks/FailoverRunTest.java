package io.samsa.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverRunTest {
  @TempDir Path tmp;

  @Test
  void smallRun_writesTheTableAndTheChart() throws Exception {
    Path out = tmp.resolve("out");
    FailoverRun.main(new String[] {"--sizes", "4,8", "--reps", "1", "--data",
        tmp.resolve("data").toString(), "--out", out.toString()});
    String table = Files.readString(out.resolve("failover.md"));
    assertTrue(table.contains("| 4 |") && table.contains("| 8 |"), table);
    String svg = Files.readString(out.resolve("failover.svg"));
    assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"), svg);
    assertTrue(svg.contains("8 partitions"), svg);
  }
}
