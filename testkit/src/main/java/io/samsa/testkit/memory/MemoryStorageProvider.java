package io.samsa.testkit.memory;

import io.samsa.spi.FileIO;
import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicStore;
import io.samsa.testkit.CrashKind;
import io.samsa.testkit.CrashSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference backend: every segment is a byte array in memory, with no index at all; reads
 * and lookups scan batch headers from the start. Small enough to be obviously right, it is the
 * yardstick the other backends are compared with, and the template of a backend in a few hundred
 * lines.
 *
 * <p>Its "disk" lives in this provider instance, keyed by store directory, so a store closed and
 * opened again with the same instance finds its data. A segment keeps what was last flushed
 * apart from what was written since, so {@link #crashSimulator()} can lose, tear or flip the
 * unflushed bytes as a power cut would. Topic metadata and checkpoints are durable at once.
 */
public final class MemoryStorageProvider implements StorageProvider {
  /** The name of this backend. */
  public static final String NAME = "memory";

  private final Map<Path, MemoryDisk> disks = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TopicStore open(StorageContext context) throws IOException {
    return disks.computeIfAbsent(context.directory().toAbsolutePath().normalize(), d -> new MemoryDisk())
        .open();
  }

  /** Simulates power cuts of every store this provider holds. */
  public CrashSimulator crashSimulator() {
    return new CrashSimulator() {
      @Override
      public FileIO fileIO() {
        return FileIO.standard();
      }

      @Override
      public void crash(CrashKind kind, Random random) {
        for (MemoryDisk disk : disks.values()) {
          disk.crash(kind, random);
        }
      }
    };
  }

  @Override
  public String toString() {
    return "MemoryStorageProvider";
  }
}
