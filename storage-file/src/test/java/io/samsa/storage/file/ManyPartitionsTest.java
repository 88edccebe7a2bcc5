package io.samsa.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.Topic;
import io.samsa.TopicConfig;
import io.samsa.core.Samsa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand partitions with several segments each, written and read across all of them,
 * hold no more descriptors than the store's bound plus a small constant.
 */
class ManyPartitionsTest {
  private static final int PARTITIONS = 10_000;
  private static final int SEGMENTS = 3;
  private static final int MAX_OPEN_FILES = 256;
  /** Descriptors outside the bound: in-flight operations, the lock file, a checkpoint being written. */
  private static final int SLACK = 16;

  @TempDir Path dir;

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static String value(int partition, int i) {
    return "p" + partition + "-r" + i + "-" + "x".repeat(100);
  }

  @Test
  void tenThousandPartitions_appendedAndReadAcross_stayUnderTheDescriptorBound() throws IOException {
    long before = openDescriptors();
    long peak = before;
    TopicConfig config = TopicConfig.builder().retentionTime(TopicConfig.FOREVER).build();
    try (LogStore store = Samsa.builder(dir).maxOpenFiles(MAX_OPEN_FILES).open()) {
      store.createTopic("wide", PARTITIONS, config);
      Topic topic = store.topic("wide");
      for (int segment = 0; segment < SEGMENTS; segment++) {
        for (int p = 0; p < PARTITIONS; p++) {
          Log log = topic.partition(p);
          if (segment > 0) {
            log.roll();
          }
          log.append(List.of(ProducerRecord.of(null, value(p, 2 * segment)),
              ProducerRecord.of(null, value(p, 2 * segment + 1))));
          if (p % 500 == 0) {
            peak = Math.max(peak, openDescriptors());
          }
        }
      }
      for (int p = 0; p < PARTITIONS; p++) {
        Log log = topic.partition(p);
        assertEquals(SEGMENTS, log.segments().size(), "partition " + p);
        int i = 0;
        for (long offset = 0; offset < log.logEndOffset(); ) {
          ReadResult r = log.read(offset, 1 << 20);
          for (LogRecord rec : r) {
            assertEquals(value(p, i++), new String(rec.value(), StandardCharsets.UTF_8));
          }
          offset = r.nextOffset();
        }
        assertEquals(2 * SEGMENTS, i, "partition " + p);
        if (p % 500 == 0) {
          peak = Math.max(peak, openDescriptors());
        }
      }
    }
    assertTrue(peak - before <= MAX_OPEN_FILES + SLACK, "descriptors rose by " + (peak - before)
        + "; bound " + MAX_OPEN_FILES + " + " + SLACK);
    assertTrue(peak - before >= MAX_OPEN_FILES / 2, "the cache was used: rose by " + (peak - before));
    assertTrue(openDescriptors() <= before + 2, "all released at close: " + openDescriptors() + " vs " + before);
  }
}
