package io.samsa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageTest {
  @TempDir Path dir;

  @Test
  void readmeSnippet_appendsReadsAndTails() {
    assertEquals("0 order placed | polled 1", Usage.run(dir));
  }
}
