package io.samsa.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The page-cache treatment applied before every write workload and every {@code dd}, the same for
 * every contender: {@code sync} (so that the previous workload's dirty pages are not written back
 * during this one), then write and delete a scratch file without syncing it.
 *
 * <p>Why the scratch file: on this VM, free guest memory is handed back to the host, and touching it
 * again costs a host-side fault, so page-cache writes into "cold" free memory swing between about
 * 0.4 and 2.8 GB/s from one run to the next. Writing (and deleting) a scratch file just before a
 * workload touches that memory once, and the workload then runs at a steady speed.
 */
final class Treatment {
  private static final int CHUNK = 8 << 20;

  private final Path scratchDir;
  private final long scratchBytes;

  Treatment(Path scratchDir, long scratchBytes) {
    this.scratchDir = scratchDir;
    this.scratchBytes = scratchBytes;
  }

  /** A one-line description for the results. */
  String describe() {
    return String.format("sync, then write and delete a %,d MiB scratch file (no sync) in %s",
        scratchBytes >> 20, scratchDir);
  }

  /** Applies the treatment; returns how long it took, in milliseconds. */
  long apply() throws IOException {
    long start = System.nanoTime();
    PageCache.syncAll();
    Files.createDirectories(scratchDir);
    Path scratch = scratchDir.resolve("treatment.scratch");
    ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    for (int i = 0; i < CHUNK; i += 8) {
      chunk.putLong(i, i * 0x9E3779B97F4A7C15L);
    }
    try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (long written = 0; written < scratchBytes; ) {
        chunk.clear().limit((int) Math.min(CHUNK, scratchBytes - written));
        while (chunk.hasRemaining()) {
          written += ch.write(chunk);
        }
      }
    } finally {
      Files.deleteIfExists(scratch);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
