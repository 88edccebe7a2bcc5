package io.samsa.spi.layout;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.IntToLongFunction;

/**
 * A sparse index file of fixed-size entries (Kafka's {@code .index} or {@code .timeindex}), with
 * its entries readable in memory: either a heap copy mirrored to the file ({@link #onHeap}) or a
 * memory mapping of the file ({@link #mapped}).
 *
 * <p>While its segment takes appends the file is preallocated to its maximum size, as Kafka's
 * are; {@link #trim()} cuts it to exactly {@code count * entrySize} bytes when the segment is
 * sealed or closed, so a reopened index never mistakes preallocated zeros for entries. A heap
 * index writes its entries to the file lazily, in bulk.
 *
 * <p>Threading: one writer (appends, truncation, trim) and any number of concurrent readers. The
 * entry buffer and the count are published through volatiles, buffer first: a reader that reads
 * {@link #count()} and then {@link #entries()} sees at least that many entries.
 */
public abstract class IndexFile {
  final FileIO io;
  final Path path;
  final int entrySize;
  final int maxEntries;
  private volatile int count;
  boolean dirty; // written since last forced; guarded by the writer

  IndexFile(FileIO io, Path path, int entrySize, int maxBytes) {
    this.io = io;
    this.path = path;
    this.entrySize = entrySize;
    this.maxEntries = maxBytes / entrySize;
  }

  /** Entries kept on the heap and written to the file lazily, in bulk (the file backend's kind). */
  public static IndexFile onHeap(FileIO io, Path path, int entrySize, int maxBytes) {
    return new HeapIndexFile(io, path, entrySize, maxBytes);
  }

  /** Entries stored into a memory mapping of the file (the mmap backend's kind). */
  public static IndexFile mapped(FileIO io, Path path, int entrySize, int maxBytes) {
    return new MappedIndexFile(io, path, entrySize, maxBytes);
  }

  public final Path path() {
    return path;
  }

  public final int count() {
    return count;
  }

  final void count(int n) {
    count = n;
  }

  final int maxEntries() {
    return maxEntries;
  }

  final boolean isFull() {
    return count >= maxEntries;
  }

  /** The entries; read {@link #count()} first. */
  abstract ByteBuffer entries();

  /** Empties the index and preallocates its file (a new segment, or a rebuild). */
  abstract void create() throws IOException;

  /**
   * Reads an existing file's entries; the caller checks them.
   *
   * @return false if the file is missing or its length is not a whole number of entries
   */
  abstract boolean load() throws IOException;

  /** A buffer with room for entry {@code n} at {@code n * entrySize}. */
  abstract ByteBuffer slotFor(int n) throws IOException;

  /**
   * Makes entry {@code n}, put into {@link #slotFor}, part of the file: at once, or by the next
   * {@link #trim} or {@link #force}.
   */
  abstract void persist(int n) throws IOException;

  /** Keeps only the first {@code n} entries, and lets the file take appends again. */
  abstract void truncateTo(int n) throws IOException;

  /** Writes every entry and cuts the file to exactly its entries. */
  abstract void trim() throws IOException;

  /** Writes every entry, and forces what was written since the last force to disk. */
  abstract void force() throws IOException;

  /** Releases the file (and mappings); the index is not used again. */
  abstract void close() throws IOException;

  final void append(java.util.function.ObjIntConsumer<ByteBuffer> put) throws IOException {
    int n = count;
    put.accept(slotFor(n), n);
    persist(n);
    dirty = true;
    count = n + 1; // publish
  }

  /**
   * The number of the last of the first {@code n} entries whose key is at most {@code target}, or
   * -1; keys increase from entry to entry. Callers read {@link #count()} before {@link
   * #entries()} (the publication order) and pass it as {@code n}.
   */
  static int floorEntry(int n, long target, IntToLongFunction keyOfEntry) {
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
}
