package io.samsa.core.internal.store;

import io.samsa.InvalidConfigException;
import io.samsa.StoreLockedException;
import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The files the core keeps at the root of every store, whatever the backend.
 *
 * <pre>
 *  .lock                  held (an OS file lock) while a store has the directory open
 *  meta.properties        version=1, backend=&lt;name&gt;: refuses a different backend later
 *  .samsa-clean-shutdown  written last by a clean close, deleted first by the next open
 * </pre>
 */
final class StoreDirectory implements AutoCloseable {
  static final String LOCK_FILE = ".lock";
  static final String META_FILE = "meta.properties";
  static final String CLEAN_SHUTDOWN_FILE = ".samsa-clean-shutdown";
  private static final String VERSION = "1";

  private final Path directory;
  private final FileIO io;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StoreDirectory(Path directory, FileIO io, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.io = io;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed and locks it.
   *
   * @throws StoreLockedException if another store, in this process or another, holds it
   */
  static StoreDirectory lock(Path directory, FileIO io) throws IOException {
    // A new store's directory must outlive a crash: the parent of each level created is synced
    // (a directory's sync makes the names in it durable).
    List<Path> created = new ArrayList<>();
    for (Path p = directory; p != null && !io.exists(p); p = p.getParent()) {
      created.add(p);
    }
    io.createDirectories(directory);
    for (Path p : created) {
      if (p.getParent() != null) {
        io.syncDirectory(p.getParent());
      }
    }
    Path lockFile = directory.resolve(LOCK_FILE);
    FileChannel ch = io.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new StoreLockedException(lockFile);
    }
    return new StoreDirectory(directory, io, ch, lock);
  }

  /**
   * Checks that the directory was made by {@code backend}, or records that it now is.
   *
   * @return true if the store is new (nothing to recover)
   * @throws InvalidConfigException if another backend made it
   */
  boolean checkBackend(String backend) throws IOException {
    Path meta = directory.resolve(META_FILE);
    if (io.exists(meta)) {
      Properties p = new Properties();
      p.load(new java.io.StringReader(new String(io.readAllBytes(meta), StandardCharsets.UTF_8)));
      String version = p.getProperty("version");
      if (!VERSION.equals(version)) {
        throw new InvalidConfigException("version", version, "the store in " + directory
            + " has format version " + version + "; this Samsa reads version " + VERSION);
      }
      String found = p.getProperty("backend");
      if (!backend.equals(found)) {
        throw new InvalidConfigException("backend", backend, "the store in " + directory
            + " was created by backend '" + found + "'; open it with that backend");
      }
      return false;
    }
    String text = "# Samsa store\nversion=" + VERSION + "\nbackend=" + backend + "\n";
    io.writeAtomically(meta, text.getBytes(StandardCharsets.UTF_8));
    return true;
  }

  /** Whether the last close was clean; removes the marker, so a crash from now on is unclean. */
  boolean takeCleanShutdownMarker() throws IOException {
    Path marker = directory.resolve(CLEAN_SHUTDOWN_FILE);
    if (!io.exists(marker)) {
      return false;
    }
    io.deleteIfExists(marker);
    io.syncDirectory(directory);
    return true;
  }

  void writeCleanShutdownMarker() throws IOException {
    io.writeAtomically(directory.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      lockChannel.close();
    }
  }
}
