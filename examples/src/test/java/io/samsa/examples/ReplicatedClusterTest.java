package io.samsa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicatedClusterTest {
  @TempDir Path dir;

  @Test
  void run_killsAndRestartsALeader_everyAcknowledgedRecordIsReadable() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int verified = ReplicatedCluster.run(dir, 600, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    // Writes in flight to the killed leader failed and were retried: every record is acknowledged.
    assertEquals(600, verified, out);
    assertTrue(out.contains("retrying them"), out);
    assertTrue(out.contains("killing node"), out);
    assertTrue(out.contains("leader of orders-0 -> node"), out);
    assertTrue(out.contains("ISR of"), out);
  }
}
