package io.samsa.benchmarks;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Chronicle Queue: one binary queue, one excerpt (document) per record holding an 8-byte timestamp
 * and the value, written with {@code writingDocument()} and read with {@code readingDocument()}.
 * Chronicle has no batches and no checksums; a batch here is just {@code values.length} excerpts
 * (and, with {@code fsyncEveryBatch}, one {@code sync()} after them, which only works with {@link
 * SyncMode#SYNC}).
 *
 * <p>The queue maps its file in blocks of {@value #BLOCK_BYTES} bytes, so that a random read of a
 * 1 GiB log does not remap 64 MiB chunks (the default) on every jump. A queue has no partitions:
 * only {@code partitions == 1} is supported.
 *
 * <p>Needs the {@code --add-opens}/{@code --add-exports} flags of {@link Contender#CHRONICLE}.
 */
final class ChronicleLog implements BenchLog {
  static final long BLOCK_BYTES = 2L << 30;

  private final SingleChronicleQueue queue;
  private final boolean fsync;
  private ExcerptAppender appender;
  private ExcerptTailer tailer;
  private long[] indexes;

  ChronicleLog(Path dir, LogSpec spec) {
    if (spec.partitions() != 1) {
      throw new UnsupportedOperationException(
          "Chronicle Queue has no partitions: partitions=" + spec.partitions() + ", supported=1");
    }
    fsync = spec.fsyncEveryBatch();
    queue = SingleChronicleQueueBuilder.binary(dir)
        .blockSize(BLOCK_BYTES)
        .syncMode(fsync ? SyncMode.SYNC : SyncMode.NONE)
        .build();
  }

  @Override
  public void append(int partition, byte[][] values) {
    if (appender == null) {
      appender = queue.createAppender();
    }
    long now = System.currentTimeMillis();
    for (byte[] v : values) {
      try (DocumentContext dc = appender.writingDocument()) {
        Bytes<?> bytes = dc.wire().bytes();
        bytes.writeLong(now);
        bytes.write(v);
      }
    }
    if (fsync) {
      appender.sync();
    }
  }

  @Override
  public long endOffset(int partition) {
    return queue.entryCount();
  }

  @Override
  public long readAll(int partition, ValueSink sink) {
    long count = 0;
    try (ExcerptTailer t = queue.createTailer()) {
      while (true) {
        try (DocumentContext dc = t.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          consume(dc, sink);
          count++;
        }
      }
    }
    return count;
  }

  @Override
  public void readOne(int partition, long offset, ValueSink sink) {
    if (tailer == null) {
      tailer = queue.createTailer();
      indexes = indexes();
    }
    if (!tailer.moveToIndex(indexes == null ? toIndex(offset) : indexes[(int) offset])) {
      throw new IllegalStateException("Chronicle has no excerpt at record " + offset);
    }
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        throw new IllegalStateException("Chronicle excerpt missing at record " + offset);
      }
      consume(dc, sink);
    }
  }

  /** Record {@code n}'s index when every excerpt is in one cycle (file): arithmetic. */
  private long toIndex(long n) {
    RollCycle cycle = queue.rollCycle();
    long first = queue.firstIndex();
    return cycle.toIndex(cycle.toCycle(first), cycle.toSequenceNumber(first) + n);
  }

  /**
   * Null when every excerpt is in one cycle; otherwise (the run crossed the roll time) every
   * excerpt's index, found by one scan.
   */
  private long[] indexes() {
    if (queue.firstCycle() == queue.lastCycle()) {
      return null;
    }
    long[] all = new long[Math.toIntExact(queue.entryCount())];
    try (ExcerptTailer t = queue.createTailer()) {
      for (int i = 0; i < all.length; i++) {
        try (DocumentContext dc = t.readingDocument()) {
          all[i] = dc.index();
        }
      }
    }
    return all;
  }

  private static void consume(DocumentContext dc, ValueSink sink) {
    Bytes<?> bytes = dc.wire().bytes();
    bytes.readLong();
    int n = (int) bytes.readRemaining();
    bytes.read(sink.scratch(), 0, n);
    sink.acceptScratch(n);
  }

  @Override
  public String openReport() {
    return "excerpts: " + queue.entryCount();
  }

  @Override
  public void close() {
    if (tailer != null) {
      tailer.close();
    }
    if (appender != null) {
      appender.close();
    }
    queue.close();
    // Chronicle releases its mappings on a background thread; wait for it so that the files can be
    // evicted from the page cache right after.
    BackgroundResourceReleaser.releasePendingResources();
  }
}
