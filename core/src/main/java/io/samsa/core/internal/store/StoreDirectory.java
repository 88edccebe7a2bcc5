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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.CRC32C;
import io.samsa.TopicPartition;
import java.lang.System.Logger.Level;

/**
 * The files the core keeps at the root of every store, whatever the backend.
 *
 * <pre>
 *  .lock                  held (an OS file lock) while a store has the directory open
 *  meta.properties        version=1, backend=&lt;name&gt;, crc32c=&lt;8 hex digits&gt;: refuses a
 *                         different backend later
 *  .samsa-clean-shutdown  written last by a clean close, deleted by the next open once it has
 *                         checked that every partition came back at least as long as it was
 * </pre>
 *
 * <p>Both text files end with a {@code crc32c=} line, the CRC-32C of the UTF-8 bytes of the lines
 * before it, so that a damaged byte is refused, not believed. The clean-shutdown marker holds one
 * line per partition, {@code <topic> <partition> <logEndOffset>}: a backend that keeps its data
 * where the core cannot see it (RocksDB's MANIFEST) and comes back with less after a clean close
 * is caught by that list. A marker that fails its checksum counts as absent (a full recovery); an
 * empty marker (written by earlier versions) counts as clean with no list.
 */
final class StoreDirectory implements AutoCloseable {
  static final String LOCK_FILE = ".lock";
  static final String META_FILE = "meta.properties";
  static final String CLEAN_SHUTDOWN_FILE = ".samsa-clean-shutdown";
  private static final String VERSION = "1";
  private static final String CHECKSUM_KEY = "crc32c";
  private static final System.Logger LOG = System.getLogger(StoreDirectory.class.getName());

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
      String text = new String(io.readAllBytes(meta), StandardCharsets.UTF_8);
      Properties p = new Properties();
      p.load(new java.io.StringReader(text));
      checkMeta(meta, text, p);
      String version = p.getProperty("version");
      if (!VERSION.equals(version)) {
        throw new InvalidConfigException("version", version, "the store in " + directory
            + " has format version " + version + " (file " + meta + "); this Samsa reads version " + VERSION);
      }
      String found = p.getProperty("backend");
      if (!backend.equals(found)) {
        throw new InvalidConfigException("backend", backend, "the store in " + directory
            + " was created by backend '" + found + "' (file " + meta + "); open it with that backend");
      }
      return false;
    }
    io.writeAtomically(meta, withChecksum("# Samsa store\nversion=" + VERSION + "\nbackend=" + backend + "\n"));
    return true;
  }

  /**
   * A meta.properties is whole: only its known keys, and its checksum matches when it has one (a
   * single damaged byte cannot both drop the checksum line and change a value).
   */
  private static void checkMeta(Path meta, String text, Properties p) throws IOException {
    for (String key : p.stringPropertyNames()) {
      if (!key.equals("version") && !key.equals("backend") && !key.equals(CHECKSUM_KEY)) {
        throw new IOException("corrupt store metadata: file=" + meta + ", reason=unknown key '" + key
            + "', allowed=[version, backend, " + CHECKSUM_KEY + "]");
      }
    }
    Optional<String> damage = p.getProperty(CHECKSUM_KEY) == null ? Optional.empty() : checksum(text);
    if (damage.isPresent()) {
      throw new IOException("corrupt store metadata: file=" + meta + ", reason=" + damage.get());
    } else if (p.getProperty(CHECKSUM_KEY) != null) {
      return;
    } else if (p.getProperty("version") == null || p.getProperty("backend") == null) {
      throw new IOException("corrupt store metadata: file=" + meta + ", reason=missing version or backend");
    }
  }

  /**
   * Reads the clean-shutdown marker.
   *
   * @return empty if there is none, or it fails its checksum (both mean: recover); else each
   *     partition's log end at the clean close (an empty map for a marker of an earlier version)
   */
  Optional<Map<TopicPartition, Long>> readCleanShutdownMarker() throws IOException {
    Path marker = directory.resolve(CLEAN_SHUTDOWN_FILE);
    if (!io.exists(marker)) {
      return Optional.empty();
    }
    String text = new String(io.readAllBytes(marker), StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return Optional.of(Map.of());
    }
    Optional<String> problem = checksum(text);
    Map<TopicPartition, Long> ends = new LinkedHashMap<>();
    if (problem.isEmpty()) {
      try {
        for (String line : text.substring(0, text.lastIndexOf(CHECKSUM_KEY + "=")).split("\n")) {
          if (line.isEmpty()) {
            continue;
          }
          String[] f = line.split(" ");
          if (f.length != 3) {
            problem = Optional.of("a line is not '<topic> <partition> <logEndOffset>': line=" + line);
            break;
          }
          ends.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
        }
      } catch (RuntimeException e) {
        problem = Optional.of(e.toString());
      }
    }
    if (problem.isPresent()) {
      LOG.log(Level.WARNING, "damaged clean-shutdown marker, recovering every partition: file={0}, reason={1}",
          marker, problem.get());
      return Optional.empty();
    }
    return Optional.of(ends);
  }

  /** Removes the marker, so that a crash from now on is an unclean shutdown. */
  void deleteCleanShutdownMarker() throws IOException {
    Path marker = directory.resolve(CLEAN_SHUTDOWN_FILE);
    if (io.exists(marker)) {
      io.deleteIfExists(marker);
      io.syncDirectory(directory);
    }
  }

  /** @param logEnds each partition's log end, or a lower bound of it */
  void writeCleanShutdownMarker(Map<TopicPartition, Long> logEnds) throws IOException {
    StringBuilder text = new StringBuilder();
    logEnds.forEach((tp, end) -> text.append(tp.topic()).append(' ').append(tp.partition()).append(' ')
        .append(end).append('\n'));
    io.writeAtomically(directory.resolve(CLEAN_SHUTDOWN_FILE), withChecksum(text.toString()));
  }

  private static byte[] withChecksum(String text) {
    return (text + CHECKSUM_KEY + "=" + crc(text) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Empty if the text's last line is the checksum of the lines before it; else why not. */
  private static Optional<String> checksum(String text) {
    int at = text.lastIndexOf(CHECKSUM_KEY + "=");
    if (at < 0 || (at > 0 && text.charAt(at - 1) != '\n')) {
      return Optional.of("no checksum line");
    }
    String stored = text.substring(at + CHECKSUM_KEY.length() + 1).strip();
    String computed = crc(text.substring(0, at));
    return stored.equals(computed) ? Optional.empty()
        : Optional.of("checksum mismatch: stored=" + stored + ", computed=" + computed);
  }

  private static String crc(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
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
