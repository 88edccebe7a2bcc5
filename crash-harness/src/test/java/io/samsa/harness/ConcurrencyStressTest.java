package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.Log;
import io.samsa.LogReader;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.OffsetOutOfRangeException;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.spi.format.BatchValidator;
import io.samsa.spi.format.RecordBatchDecoder;
import io.samsa.spi.format.RecordBatchDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One writer and several readers on one partition, on every backend, with rolls, retention,
 * truncation and deletion of records in between. A deterministic stress test, not a
 * model-checker: the writer's operations come from a seeded random, the readers run flat out
 * against it, and every wait is on a condition with a timeout (no sleeps).
 *
 * <p>Why not jcstress or Lincheck: jcstress runs its own harness from a generated fat jar (not
 * under surefire) and is built for a few memory operations, not for file I/O; Lincheck's model
 * checker controls thread switches inside JVM bytecode only, so it cannot reach the native I/O,
 * mappings and RocksDB calls where these races live, and its stress mode is what this test does
 * by hand. Neither is in the build; a test-scope dependency is not worth it for what they cannot
 * see here.
 *
 * <p>What is checked:
 * <ul>
 *   <li>readers never see a partly written batch: every raw batch {@code transferTo} sends is
 *       whole and passes its CRC, and every record any reader gets is the one written at its
 *       offset (a record's value is a function of its offset, so it stays right across
 *       truncation and re-append), with dense offsets;
 *   <li>readers never read a deleted segment's bytes: a consumer stalled inside {@code
 *       transferTo} (its channel blocks) while retention deletes the segment it reads still gets
 *       whole, right batches when it resumes;
 *   <li>readers never block the writer for long: the writer finishes all its work while that
 *       consumer is stalled, and no single operation of the writer takes more than {@link
 *       #MAX_OPERATION}.
 * </ul>
 *
 * <p>One wait is by design and is kept out of the way: a truncation waits for the reads in flight
 * in the segments it cuts (their bytes are about to go; on mmap a cut file under a mapped slice
 * would be a SIGBUS). So the stalled consumer reads a sealed segment that truncation never
 * reaches. A consumer stalled inside the active segment does hold up a truncation of it, and the
 * writer with it, for as long as it stalls.
 *
 * <p>{@code -Dsamsa.harness.stressOps=N} writer operations per backend (default 3000), {@code
 * -Dsamsa.harness.seed=S} to repeat a run.
 */
class ConcurrencyStressTest {
  static final int OPS = Integer.getInteger("samsa.harness.stressOps", 3000);
  static final long SEED = Long.getLong("samsa.harness.seed", System.nanoTime());
  static final Duration MAX_OPERATION = Duration.ofSeconds(5);
  static final TopicPartition TP = new TopicPartition("stress", 0);
  private static final Map<String, String> FIGURES = new TreeMap<>();

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"file", "mmap", "rocksdb"})
  void oneWriterManyReaders_rollsRetentionTruncation_readersSeeOnlyWholeRightBatches(String backend)
      throws Exception {
    TopicConfig config = TopicConfig.builder().segmentBytes(8 * 1024).indexIntervalBytes(256)
        .segmentIndexBytes(4 * 1024).retentionBytes(32 * 1024).retentionTime(TopicConfig.FOREVER).build();
    long seed = SEED + backend.hashCode();
    try (LogStore store = Samsa.builder(tmp.resolve(backend)).backend(backend).open()) {
      store.createTopic(TP.topic(), 1, config);
      Log log = store.log(TP);
      // Sealed segments first: the stalled consumer reads the oldest, which retention deletes
      // under it, and which truncation (at most a dozen records back) never reaches.
      while (log.segments().size() < 4) {
        log.append(records(log.logEndOffset(), 20));
      }
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      AtomicLong racedRange = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        // The stalled consumer: holds the oldest segment inside transferTo until the writer is done.
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch writerDone = new CountDownLatch(1);
        ByteArrayOutputStream stalledBytes = new ByteArrayOutputStream();
        Future<Long> slow = pool.submit(() -> log.transferTo(0, 4096, blockingChannel(stalled, writerDone,
            stalledBytes)));
        assertTrue(stalled.await(30, TimeUnit.SECONDS), "the stalled consumer entered transferTo");

        List<Future<?>> readers = new ArrayList<>();
        readers.add(pool.submit(() -> randomReads(log, seed + 1, done, reads, racedRange)));
        readers.add(pool.submit(() -> randomTransfers(log, seed + 2, done, reads, racedRange)));
        readers.add(pool.submit(() -> tail(log, done, reads)));

        long slowest = write(log, new SplittableRandom(seed));
        done.set(true);
        writerDone.countDown();
        for (Future<?> r : readers) {
          r.get(60, TimeUnit.SECONDS); // rethrows what a reader found
        }
        long sent = slow.get(60, TimeUnit.SECONDS);
        assertTrue(sent > 0, "the stalled consumer got nothing");
        checkBatches(stalledBytes.toByteArray(), 0, "the stalled consumer's bytes");
        assertTrue(reads.get() > 0, "the readers ran");
        assertTrue(slowest < MAX_OPERATION.toNanos(), "a writer operation took " + slowest / 1_000_000
            + " ms with readers running; allowed: " + MAX_OPERATION.toMillis() + " ms");
        // Everything left reads back right.
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
          ReadResult r = log.read(offset, 1 << 16);
          for (LogRecord rec : r) {
            checkRecord(rec, offset++);
          }
        }
        synchronized (FIGURES) {
          FIGURES.put(backend, OPS + " writer ops, " + reads.get() + " reads, " + racedRange.get()
              + " reads refused as out of range by a concurrent truncation or retention, slowest writer op "
              + slowest / 1_000_000 + " ms");
        }
      } finally {
        done.set(true);
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "the readers stopped");
      }
    }
  }

  @AfterAll
  static void printFigures() {
    System.out.println("[crash-harness] concurrency stress (seed " + SEED + "): " + FIGURES);
  }

  /** The writer: appends, with rolls, retention, truncation and record deletion; the slowest op. */
  private static long write(Log log, SplittableRandom random) {
    long slowest = 0;
    for (int i = 0; i < OPS; i++) {
      long t0 = System.nanoTime();
      int op = random.nextInt(100);
      if (op < 4) {
        log.roll();
      } else if (op < 7) {
        log.applyRetention();
      } else if (op < 10) {
        log.truncateTo(Math.max(log.logStartOffset(), log.logEndOffset() - random.nextInt(12)));
      } else if (op < 11) {
        log.deleteRecordsBefore(Math.max(log.logStartOffset(), log.logEndOffset() - 200));
      } else {
        long end = log.logEndOffset();
        assertEquals(end, log.append(records(end, 1 + random.nextInt(6))).baseOffset());
      }
      slowest = Math.max(slowest, System.nanoTime() - t0);
    }
    return slowest;
  }

  private static Void randomReads(Log log, long seed, AtomicBoolean done, AtomicLong reads, AtomicLong raced) {
    SplittableRandom random = new SplittableRandom(seed);
    while (!done.get()) {
      long start = log.logStartOffset();
      long end = log.logEndOffset();
      long offset = start + (end > start ? random.nextLong(end - start) : 0);
      ReadResult r;
      try {
        r = log.read(offset, 1 + random.nextInt(2048));
      } catch (OffsetOutOfRangeException e) {
        raced.incrementAndGet();
        continue;
      }
      long expected = offset;
      for (LogRecord rec : r) {
        if (expected == offset && rec.offset() < offset) {
          continue; // a read returns whole batches: records before the offset may lead
        }
        checkRecord(rec, expected++);
      }
      reads.incrementAndGet();
    }
    return null;
  }

  private static Void randomTransfers(Log log, long seed, AtomicBoolean done, AtomicLong reads, AtomicLong raced)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    while (!done.get()) {
      long start = log.logStartOffset();
      long end = log.logEndOffset();
      long offset = start + (end > start ? random.nextLong(end - start) : 0);
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      try {
        log.transferTo(offset, 1 + random.nextInt(4096), Channels.newChannel(sink));
      } catch (OffsetOutOfRangeException e) {
        raced.incrementAndGet();
        continue;
      }
      checkBatches(sink.toByteArray(), offset, "transferTo at " + offset);
      reads.incrementAndGet();
    }
    return null;
  }

  /** A tailing reader: polls from the start, waiting for appends; jumps ahead when retention passes it. */
  private static Void tail(Log log, AtomicBoolean done, AtomicLong reads) {
    try (LogReader reader = log.reader(log.logStartOffset())) {
      while (!done.get()) {
        ReadResult r;
        try {
          r = reader.poll(Duration.ofMillis(50));
        } catch (OffsetOutOfRangeException e) {
          reader.seek(Math.min(log.logEndOffset(), Math.max(reader.position(), log.logStartOffset())));
          continue;
        }
        for (LogRecord rec : r) {
          checkRecord(rec, rec.offset());
        }
        reads.incrementAndGet();
      }
    }
    return null;
  }

  /** Raw bytes are whole batches that pass their CRC, dense from one holding {@code from}. */
  static void checkBatches(byte[] bytes, long from, String what) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long expected = -1;
    for (int at = 0; at < bytes.length; ) {
      assertTrue(bytes.length - at >= RecordBatchDescriptor.LOG_OVERHEAD, what + ": a partial batch header at " + at);
      int size = RecordBatchDescriptor.batchSize(b, at);
      assertTrue(size <= bytes.length - at, what + ": a partial batch at " + at + " (size " + size + ", "
          + (bytes.length - at) + " bytes sent)");
      assertEquals(java.util.Optional.empty(), BatchValidator.check(b, at, size), what + ": batch at " + at);
      long base = RecordBatchDescriptor.baseOffset(b, at);
      if (expected < 0) {
        assertTrue(base <= from || from == 0, what + ": the first batch starts after the offset: " + base);
      } else {
        assertEquals(expected, base, what + ": offsets are dense");
      }
      for (LogRecord rec : RecordBatchDecoder.decode(b, at, what, at)) {
        checkRecord(rec, rec.offset());
      }
      expected = RecordBatchDescriptor.lastOffset(b, at) + 1;
      at += size;
    }
  }

  static void checkRecord(LogRecord rec, long offset) {
    assertEquals(offset, rec.offset(), "offsets are dense");
    byte[] want = value(offset);
    assertTrue(Arrays.equals(want, rec.value()), () -> "the record at " + offset + " is not the one written: "
        + new String(rec.value(), StandardCharsets.UTF_8));
  }

  static List<ProducerRecord> records(long from, int count) {
    List<ProducerRecord> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(ProducerRecord.of(null, value(from + i)));
    }
    return list;
  }

  /** A record's value, a function of its offset: between 8 and about 200 bytes. */
  static byte[] value(long offset) {
    StringBuilder s = new StringBuilder("v").append(offset).append(':');
    int pad = (int) Math.floorMod(offset * 0x9E3779B97F4A7C15L >>> 40, 190L);
    for (int i = 0; i < pad; i++) {
      s.append((char) ('a' + (offset + i) % 26));
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A channel whose first write blocks until {@code release}, having said so on {@code entered}. */
  private static WritableByteChannel blockingChannel(CountDownLatch entered, CountDownLatch release,
      ByteArrayOutputStream into) {
    WritableByteChannel sink = Channels.newChannel(into);
    return new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        entered.countDown();
        try {
          if (!release.await(120, TimeUnit.SECONDS)) {
            throw new IOException("the writer never finished");
          }
        } catch (InterruptedException e) {
          throw new InterruptedIOException();
        }
        return sink.write(src);
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
