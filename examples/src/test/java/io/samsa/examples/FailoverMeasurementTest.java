package io.samsa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverMeasurementTest {
  @TempDir Path dir;

  @Test
  void measure_failsOverEveryPartitionTheNodeLed() {
    FailoverMeasurement.Result r = FailoverMeasurement.measure(dir, 50, "file");
    assertEquals(50, r.partitionsLed());
  }
}
