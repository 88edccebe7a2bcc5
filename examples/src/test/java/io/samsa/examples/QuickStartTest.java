package io.samsa.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  @TempDir Path dir;

  @Test
  void quickStart_writesReadsAndVerifies_beforeAndAfterReopen() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean ok = QuickStart.run(new String[] {"--dir", dir.toString(), "--records", "20000"},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(ok, text);
    assertTrue(text.contains("verification: OK, all 20,000 records read back intact, twice"), text);
    assertTrue(text.contains("clean shutdown: true"), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mmap", "rocksdb"})
  void quickStart_onTheOtherBackends_verifiesToo(String backend) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean ok = QuickStart.run(new String[] {"--dir", dir.toString(), "--records", "20000",
        "--backend", backend}, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertTrue(ok, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void quickStart_unknownArgument_isRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> QuickStart.run(new String[] {"--records-count", "5"}, System.out));
  }
}
