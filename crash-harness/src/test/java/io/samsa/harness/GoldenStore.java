package io.samsa.harness;

import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.spi.format.BatchScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A store written with {@link RecordModel} records and closed cleanly, and everything known about
 * it: each file's bytes, and for each data file where every batch lies and which offsets it holds.
 * Tests damage copies of it and compare what the damaged copy serves with what is known here.
 */
final class GoldenStore {
  static final String TOPIC = "golden";

  final Path dir;
  final String backend;
  final int partitions;
  final RecordModel model;
  final TopicConfig config;
  /** Per partition, the log end offset. */
  final long[] ends;
  /** Per partition, each offset's timestamp. */
  final long[][] timestamps;
  /** Every file (path relative to the store) and its bytes. */
  final Map<String, byte[]> files = new TreeMap<>();
  /** Per data file (relative path), its batches in order. */
  final Map<String, List<Batch>> batches = new TreeMap<>();

  /** One batch of a data file. */
  record Batch(int partition, String file, long position, int size, long baseOffset, long lastOffset) {
    boolean holds(long offset) {
      return baseOffset <= offset && offset <= lastOffset;
    }
  }

  private GoldenStore(Path dir, String backend, int partitions, RecordModel model, TopicConfig config) {
    this.dir = dir;
    this.backend = backend;
    this.partitions = partitions;
    this.model = model;
    this.config = config;
    this.ends = new long[partitions];
    this.timestamps = new long[partitions][];
  }

  /**
   * Writes about {@code bytesPerPartition} of records into each partition of a new store in
   * {@code dir}, in batches of random sizes, and closes it cleanly.
   */
  static GoldenStore write(Path dir, String backend, int partitions, long seed, int bytesPerPartition,
      TopicConfig config) {
    GoldenStore g = new GoldenStore(dir, backend, partitions, new RecordModel(seed), config);
    SplittableRandom random = new SplittableRandom(seed);
    try (LogStore store = g.open(dir)) {
      store.createTopic(TOPIC, partitions, config);
      for (int p = 0; p < partitions; p++) {
        Log log = store.log(new TopicPartition(TOPIC, p));
        long bytes = 0;
        while (bytes < bytesPerPartition) {
          long end = log.logEndOffset();
          int want = 1 + random.nextInt(random.nextBoolean() ? 3 : 12);
          List<ProducerRecord> batch = new ArrayList<>();
          int size = 0;
          for (int i = 0; i < want; i++) {
            int v = Math.max(0, g.model.valueSize(p, end + i));
            if (i > 0 && size + v > config.segmentBytes() / 2) {
              break;
            }
            size += v;
            batch.add(g.model.record(p, end + i));
          }
          log.append(batch);
          bytes += size + 80L * batch.size();
          if (random.nextInt(40) == 0) {
            log.roll();
          }
        }
        g.ends[p] = log.logEndOffset();
        g.timestamps[p] = new long[(int) g.ends[p]];
        for (int o = 0; o < g.ends[p]; o++) {
          g.timestamps[p][o] = g.model.record(p, o).timestamp();
        }
      }
    }
    g.snapshot();
    return g;
  }

  LogStore open(Path store) {
    return Samsa.builder(store).backend(backend).defaultTopicConfig(config).open();
  }

  private void snapshot() {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String rel = dir.relativize(p).toString();
        files.put(rel, Files.readAllBytes(p));
        if (rel.endsWith(".log") && rel.startsWith(TOPIC + "-")) { // not RocksDB's write-ahead log
          batches.put(rel, scan(p, rel));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Batch> scan(Path file, String rel) throws IOException {
    int partition = Integer.parseInt(rel.substring(TOPIC.length() + 1, rel.indexOf('/')));
    List<Batch> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      BatchScanner scan = new BatchScanner(ch::read, 0, ch.size());
      while (scan.next()) {
        out.add(new Batch(partition, rel, scan.position(), scan.size(), scan.baseOffset(), scan.lastOffset()));
      }
      if (scan.problem().isPresent() || scan.nextPosition() != ch.size()) {
        throw new IllegalStateException("the golden store's " + rel + " is not whole batches: "
            + scan.problem());
      }
    }
    return out;
  }

  /** The batch holding {@code offset} of {@code partition}. */
  Batch batchOf(int partition, long offset) {
    String prefix = TOPIC + "-" + partition + "/";
    for (Map.Entry<String, List<Batch>> e : batches.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      for (Batch b : e.getValue()) {
        if (b.holds(offset)) {
          return b;
        }
      }
    }
    throw new IllegalArgumentException("no batch holds offset " + offset + " of partition " + partition);
  }

  /** The batch of data file {@code rel} that holds byte {@code position}. */
  Batch batchAt(String rel, long position) {
    for (Batch b : batches.get(rel)) {
      if (b.position() <= position && position < b.position() + b.size()) {
        return b;
      }
    }
    throw new IllegalArgumentException("no batch of " + rel + " holds byte " + position);
  }

  /** Replaces the store in {@code target} with a pristine copy of this one. */
  void restoreInto(Path target) {
    StoreChecks.deleteTree(target);
    try {
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Path p = target.resolve(e.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
