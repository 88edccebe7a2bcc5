package io.samsa.storage.file;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sparse index file of fixed-size entries, kept whole in memory and mirrored to disk.
 *
 * <p>Lookups use the in-memory copy; appends write the entry to the file at its slot. While the
 * segment is active the file is preallocated to {@code maxBytes} (sparse), as Kafka's are, and it
 * is trimmed to exactly {@code count * entrySize} bytes when the segment is sealed or closed, so a
 * reopened index never mistakes preallocated zeros for entries. After a crash the file is not
 * trusted: the segment rebuilds it from the log.
 *
 * <p>Threading: one writer (appends, truncation, trim) and any number of concurrent readers. The
 * entry buffer and the count are published through volatiles, buffer first: a reader that sees a
 * count sees a buffer holding at least that many entries.
 */
abstract class IndexFile {
  private final FileIO io;
  final Path path;
  private final int entrySize;
  private final int maxEntries;
  private FileChannel channel;
  private boolean dirty; // written since last forced
  private volatile ByteBuffer entries;
  private volatile int count;

  IndexFile(FileIO io, Path path, int entrySize, int maxBytes) {
    this.io = io;
    this.path = path;
    this.entrySize = entrySize;
    this.maxEntries = maxBytes / entrySize;
    this.entries = ByteBuffer.allocate(Math.min(maxEntries, 64) * entrySize);
  }

  int count() {
    return count;
  }

  int maxEntries() {
    return maxEntries;
  }

  /** The entries; read {@link #count()} first. */
  ByteBuffer entries() {
    return entries;
  }

  /** Creates the file preallocated to its maximum size. */
  void create() throws IOException {
    FileChannel ch = channel();
    ch.truncate(0);
    preallocate(ch);
    dirty = true;
  }

  /**
   * Reads the file's entries into memory.
   *
   * @return false if the file is missing or its length is not a whole number of entries
   */
  boolean load() throws IOException {
    if (!io.exists(path)) {
      return false;
    }
    byte[] bytes = io.readAllBytes(path);
    if (bytes.length % entrySize != 0 || bytes.length / entrySize > maxEntries) {
      return false;
    }
    ByteBuffer loaded = ByteBuffer.allocate(Math.max(bytes.length, entrySize));
    loaded.put(bytes).clear();
    entries = loaded;
    count = bytes.length / entrySize;
    return true;
  }

  /** Forgets every entry, in memory and on disk, and preallocates the file again. */
  void reset() throws IOException {
    count = 0;
    create();
  }

  /** Appends an entry that the caller has put in {@link #slotFor()}; writes it to the file. */
  ByteBuffer slotFor() {
    int n = count;
    ByteBuffer e = entries;
    if ((n + 1) * entrySize > e.capacity()) {
      ByteBuffer grown = ByteBuffer.allocate(Math.min(maxEntries, Math.max(64, n * 2)) * entrySize);
      grown.put(e.duplicate().clear().limit(n * entrySize));
      grown.clear();
      entries = grown; // publish the larger buffer before the count that needs it
      e = grown;
    }
    return e;
  }

  void commitAppend() throws IOException {
    int n = count;
    ByteBuffer entry = entries.duplicate();
    entry.limit((n + 1) * entrySize).position(n * entrySize);
    FileChannel ch = channel();
    long at = (long) n * entrySize;
    while (entry.hasRemaining()) {
      at += ch.write(entry, at);
    }
    dirty = true;
    count = n + 1; // publish
  }

  /**
   * The number of the last of the first {@code n} entries whose key is at most {@code target}, or
   * -1 if none; keys must increase from entry to entry. Callers read {@link #count()} before
   * {@link #entries()} (the publication order) and pass it as {@code n}.
   */
  static int floorEntry(int n, long target, java.util.function.IntToLongFunction keyOfEntry) {
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (keyOfEntry.applyAsLong(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  boolean isFull() {
    return count >= maxEntries;
  }

  /** Keeps only the first {@code n} entries. */
  void truncateTo(int n) throws IOException {
    if (n < count) {
      count = n;
      FileChannel ch = channel();
      ch.truncate((long) n * entrySize);
      preallocate(ch);
      dirty = true;
    }
  }

  /** Cuts the file to exactly its entries. */
  void trim() throws IOException {
    if (channel != null || io.exists(path)) {
      FileChannel ch = channel();
      if (ch.size() != (long) count * entrySize) {
        ch.truncate((long) count * entrySize);
        dirty = true;
      }
    }
  }

  /** Forces what was written since the last force (entries, trims) to disk. */
  void force() throws IOException {
    if (dirty && channel != null) {
      channel.force(true);
    }
    dirty = false;
  }

  /** Closes the file; the in-memory entries stay usable. */
  void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  private void preallocate(FileChannel ch) throws IOException {
    long max = (long) maxEntries * entrySize;
    if (ch.size() < max) {
      ch.write(ByteBuffer.allocate(1), max - 1); // sparse: no blocks until written
    }
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      channel = io.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    return channel;
  }
}
