package io.samsa.examples;

import io.samsa.LogReader;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ReadResult;
import io.samsa.ProducerRecord;
import io.samsa.Topic;
import io.samsa.TopicConfig;
import io.samsa.core.Samsa;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The quick start: one million keyed records into a 4-partition topic on the file backend, read
 * back and checked byte for byte, then read again after reopening the store.
 *
 * <pre>
 * mvn -B -q -Pquickstart package -DskipTests
 * java -cp ... io.samsa.examples.QuickStart [--dir DIR] [--records N] [--value-bytes N]
 *     [--batch N] [--backend NAME]
 * </pre>
 */
public final class QuickStart {
  private static final String TOPIC = "quickstart";
  private static final int PARTITIONS = 4;

  private final Path dir;
  private final int records;
  private final int valueBytes;
  private final int batch;
  private final String backend;
  private final PrintStream out;

  private QuickStart(Path dir, int records, int valueBytes, int batch, String backend, PrintStream out) {
    this.dir = dir;
    this.records = records;
    this.valueBytes = valueBytes;
    this.batch = batch;
    this.backend = backend;
    this.out = out;
  }

  /** Runs the quick start; a failed verification ends it with an exception (a failed build). */
  public static void main(String[] args) throws IOException {
    if (!run(args, System.out)) {
      throw new IllegalStateException("quick start: verification failed (see above)");
    }
  }

  /**
   * Runs the quick start with command-line style arguments, printing to {@code out}.
   *
   * @return whether every record was read back intact
   * @throws IllegalArgumentException if an argument is unknown or malformed
   */
  public static boolean run(String[] args, PrintStream out) throws IOException {
    Path dir = Path.of("target", "quickstart-data");
    int records = 1_000_000;
    int valueBytes = 100;
    int batch = 100;
    String backend = Samsa.DEFAULT_BACKEND;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--value-bytes" -> valueBytes = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--backend" -> backend = args[++i];
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]
            + " (allowed: --dir, --records, --value-bytes, --batch, --backend)");
      }
    }
    if (records < 1 || valueBytes < 0 || batch < 1) {
      throw new IllegalArgumentException("need --records >= 1, --value-bytes >= 0, --batch >= 1");
    }
    return new QuickStart(dir, records, valueBytes, batch, backend, out).run();
  }

  private boolean run() throws IOException {
    deleteRecursively(dir);
    out.printf("Samsa quick start: %,d records of %d bytes into %d partitions, backend '%s', directory %s%n",
        records, valueBytes, PARTITIONS, backend, dir.toAbsolutePath());

    long appendNanos;
    boolean firstPass;
    long readNanos;
    try (LogStore store = Samsa.builder(dir).backend(backend).open()) {
      store.createTopic(TOPIC, PARTITIONS,
          TopicConfig.builder().retentionTime(TopicConfig.FOREVER).build());
      Topic topic = store.topic(TOPIC);
      appendNanos = append(topic);
      long start = System.nanoTime();
      firstPass = verify(topic, "read back");
      readNanos = System.nanoTime() - start;
    }

    boolean secondPass;
    long reopenNanos;
    long rereadNanos;
    long start = System.nanoTime();
    try (LogStore store = Samsa.builder(dir).backend(backend).open()) {
      reopenNanos = System.nanoTime() - start;
      out.printf("reopened in %.1f ms (clean shutdown: %s)%n", reopenNanos / 1e6,
          store.recoveryReport().cleanShutdown());
      start = System.nanoTime();
      secondPass = verify(store.topic(TOPIC), "read after reopen");
      rereadNanos = System.nanoTime() - start;
    }

    double mb = (double) records * valueBytes / (1 << 20);
    out.println();
    out.printf("append:            %,12.0f records/s  %8.1f MiB/s of values%n",
        records / (appendNanos / 1e9), mb / (appendNanos / 1e9));
    out.printf("read + verify:     %,12.0f records/s  %8.1f MiB/s of values%n",
        records / (readNanos / 1e9), mb / (readNanos / 1e9));
    out.printf("reopen + verify:   %,12.0f records/s  %8.1f MiB/s of values%n",
        records / (rereadNanos / 1e9), mb / (rereadNanos / 1e9));
    boolean ok = firstPass && secondPass;
    out.println(ok
        ? "verification: OK, all " + String.format("%,d", records) + " records read back intact, twice"
        : "verification: FAILED");
    return ok;
  }

  /** Appends every record to the partition its key maps to, in batches of {@code batch}. */
  private long append(Topic topic) {
    List<List<ProducerRecord>> pending = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      pending.add(new ArrayList<>(batch));
    }
    Progress progress = new Progress("append", records);
    long start = System.nanoTime();
    for (int i = 0; i < records; i++) {
      byte[] key = key(i);
      int p = topic.partitionFor(key);
      List<ProducerRecord> buffer = pending.get(p);
      buffer.add(ProducerRecord.of(key, value(i)));
      if (buffer.size() == batch) {
        topic.partition(p).append(buffer);
        buffer.clear();
      }
      progress.update(i + 1);
    }
    for (int p = 0; p < PARTITIONS; p++) {
      if (!pending.get(p).isEmpty()) {
        topic.partition(p).append(pending.get(p));
      }
    }
    long nanos = System.nanoTime() - start;
    progress.done();
    return nanos;
  }

  /** Reads every partition from its start and checks each record against what was written. */
  private boolean verify(Topic topic, String label) {
    BitSet seen = new BitSet(records);
    Progress progress = new Progress(label, records);
    int count = 0;
    int bad = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      long end = topic.partition(p).logEndOffset();
      int lastIndex = -1;
      try (LogReader reader = topic.partition(p).reader(0)) {
        while (reader.position() < end) {
          ReadResult result = reader.poll(Duration.ofSeconds(1));
          for (LogRecord r : result) {
            int i = index(r.key());
            boolean good = i >= 0 && i < records && i > lastIndex && !seen.get(i)
                && topic.partitionFor(r.key()) == p && Arrays.equals(r.value(), value(i));
            if (!good) {
              if (bad++ < 10) {
                out.printf("%nBAD RECORD: partition %d offset %d: %s%n", p, r.offset(), r);
              }
            } else {
              seen.set(i);
              lastIndex = i;
            }
            progress.update(++count);
          }
        }
      }
    }
    progress.done();
    boolean ok = bad == 0 && count == records && seen.cardinality() == records;
    if (!ok) {
      out.printf("%s: %,d records, %,d distinct, %,d bad%n", label, count, seen.cardinality(), bad);
    }
    return ok;
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.US_ASCII);
  }

  private static int index(byte[] key) {
    String s = key == null ? "" : new String(key, StandardCharsets.US_ASCII);
    try {
      return s.startsWith("key-") ? Integer.parseInt(s.substring(4)) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The value of record {@code i}: bytes that depend on {@code i}, so a misplaced one shows. */
  private byte[] value(int i) {
    byte[] v = new byte[valueBytes];
    long x = i * 0x9E3779B97F4A7C15L + 1;
    for (int j = 0; j < v.length; j++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      v[j] = (byte) x;
    }
    return v;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * A one-line progress bar of 40 steps, redrawn once per step on a terminal; elsewhere (a CI log,
   * a test) only the finished bar is printed.
   */
  private final class Progress {
    private final String label;
    private final long total;
    private final boolean interactive = out == System.out && System.console() != null;
    private int shown = -1;

    Progress(String label, long total) {
      this.label = label;
      this.total = total;
    }

    void update(long done) {
      if (!interactive && done < total) {
        return;
      }
      int step = (int) (done * 40 / total);
      if (step != shown) {
        shown = step;
        int percent = (int) (done * 100 / total);
        int filled = step;
        out.printf("%s%-18s [%s%s] %3d%% %,d", interactive ? "\r" : "", label,
            "#".repeat(filled), " ".repeat(40 - filled), percent, done);
        out.flush();
      }
    }

    void done() {
      update(total);
      out.println();
    }
  }
}
