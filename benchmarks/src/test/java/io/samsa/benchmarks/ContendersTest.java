package io.samsa.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every contender that runs without JVM flags (Chronicle Queue needs some: the harness smoke run
 * covers it) answers the workloads' calls the same way, and keeps its records across a reopen.
 */
class ContendersTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(value = Contender.class, names = {"FILE", "MMAP", "ROCKSDB", "KAFKA"})
  void appendReadReopen_smallLog_readsBackEveryValue(Contender contender) throws IOException {
    byte[][] pool = ContenderRun.values(100);
    LogSpec spec = LogSpec.single().withPartitions(2);
    try (BenchLog log = contender.open(dir, spec, false)) {
      for (int i = 0; i < 10; i++) {
        log.append(i % 2, new byte[][] {pool[3 * i], pool[3 * i + 1], pool[3 * i + 2]});
      }
      assertEquals(15, log.endOffset(0));
      assertEquals(15, log.endOffset(1));
      ValueSink one = new ValueSink();
      log.readOne(1, 7, one);
      assertEquals(pool[3 * 5 + 1][0] ^ pool[3 * 5 + 1][99], one.check(), "offset 7 of partition 1");
    }
    try (BenchLog log = contender.open(dir, spec, false)) {
      ValueSink all = new ValueSink();
      assertEquals(15, log.readAll(0, all));
      long expected = 0;
      for (int i = 0; i < 10; i += 2) {
        for (int j = 0; j < 3; j++) {
          expected += pool[3 * i + j][0] ^ pool[3 * i + j][99];
        }
      }
      assertEquals(expected, all.check());
      assertEquals(1500, all.bytes());
    }
  }
}
