package io.samsa.storage.rocksdb;

import io.samsa.spi.FileIO;
import io.samsa.testkit.CrashKind;
import io.samsa.testkit.CrashSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Power cuts under RocksDB, as its write-ahead log promises: what was synced survives, what was
 * not may be lost or torn. RocksDB does its own I/O in native code, so the cut is made on a copy
 * of the store taken at the crash: each log file is cut back to its length at the last sync
 * ({@link CrashKind#DROP}), or to a random length past it ({@link CrashKind#TEAR}), with one byte
 * of the unsynced part flipped ({@link CrashKind#FLIP}: RocksDB's own log checksums must catch
 * it). SST and MANIFEST files are synced by RocksDB as it writes them and are copied as they are.
 * The copy replaces the store's directory when the next store opens, after the dead one closed.
 */
final class RocksDbCrashSimulator implements CrashSimulator {
  private final RocksDbStorageProvider provider;
  private final Map<Path, Path> pending = new LinkedHashMap<>();

  RocksDbCrashSimulator(RocksDbStorageProvider provider) {
    this.provider = provider;
  }

  @Override
  public synchronized FileIO fileIO() {
    try {
      for (Map.Entry<Path, Path> e : pending.entrySet()) {
        deleteTree(e.getKey());
        copyTree(e.getValue(), e.getKey());
        deleteTree(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pending.clear();
    return FileIO.standard();
  }

  @Override
  public synchronized void crash(CrashKind kind, Random random) {
    try {
      for (RocksDbTopicStore store : provider.openStores()) {
        Path root = store.directory().getParent();
        Path copy = Files.createTempDirectory("samsa-rocksdb-crash");
        // A power cut freezes the disk in one state: hold RocksDB's background work and file
        // deletions while copying, so the copy's MANIFEST and SST files belong together.
        store.db.pauseBackgroundWork();
        store.db.disableFileDeletions();
        try {
          copyTree(root, copy);
        } finally {
          store.db.enableFileDeletions();
          store.db.continueBackgroundWork();
        }
        Map<String, Long> syncedSizes = store.syncedWalSizes();
        Path db = copy.resolve(store.directory().getFileName());
        try (Stream<Path> files = Files.list(db)) {
          for (Path wal : files.filter(f -> f.getFileName().toString().matches("\\d+\\.log")).toList()) {
            cut(wal, syncedSizes.getOrDefault(wal.getFileName().toString(), 0L), kind, random);
          }
        }
        pending.put(root, copy);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (org.rocksdb.RocksDBException e) {
      throw new IllegalStateException("pausing RocksDB for the crash copy failed", e);
    }
  }

  private static void cut(Path wal, long synced, CrashKind kind, Random random) throws IOException {
    long size = Files.size(wal);
    if (size <= synced) {
      return;
    }
    long keep = kind == CrashKind.DROP ? synced : synced + (long) (random.nextDouble() * (size - synced + 1));
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.truncate(keep);
      if (kind == CrashKind.FLIP && keep > synced) {
        long at = synced + (long) (random.nextDouble() * (keep - synced));
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ (1 + random.nextInt(255))));
        ch.write(b.clear(), at);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (Files.exists(p)) {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }
}
