package io.samsa.spi.layout;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An index kept whole on the heap and written to its file lazily: new entries go to the file in
 * one write at the next {@link #trim} or {@link #force} (a seal, a flush of a sealed segment, a
 * clean close), not one write per entry. The file is preallocated (sparse) while the segment takes
 * appends and trimmed to its entries at the seal, as Kafka's are. After a crash an active
 * segment's index file holds zeros or old entries; recovery rebuilds it from the log, as it must
 * anyway, since the active segment's indexes are never forced.
 */
final class HeapIndexFile extends IndexFile {
  private FileChannel channel;
  private volatile ByteBuffer entries;
  private int persisted; // entries written to the file; guarded by the writer

  HeapIndexFile(FileIO io, Path path, int entrySize, int maxBytes) {
    super(io, path, entrySize, maxBytes);
    this.entries = ByteBuffer.allocate(Math.min(maxEntries, 64) * entrySize);
  }

  @Override
  ByteBuffer entries() {
    return entries;
  }

  @Override
  void create() throws IOException {
    count(0);
    persisted = 0;
    FileChannel ch = channel();
    ch.truncate(0);
    preallocate(ch);
    dirty = true;
  }

  @Override
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
    count(bytes.length / entrySize);
    persisted = count();
    return true;
  }

  @Override
  ByteBuffer slotFor(int n) {
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

  @Override
  void persist(int n) {
    // Written with the others at the next trim or force.
  }

  /** Writes the entries not yet in the file, in one write. */
  private void writePending() throws IOException {
    int n = count();
    if (persisted >= n) {
      return;
    }
    ByteBuffer pending = entries.duplicate();
    pending.limit(n * entrySize).position(persisted * entrySize);
    FileChannel ch = channel();
    long at = (long) persisted * entrySize;
    while (pending.hasRemaining()) {
      at += ch.write(pending, at);
    }
    persisted = n;
    dirty = true;
  }

  @Override
  void truncateTo(int n) throws IOException {
    if (n < count()) {
      count(n);
      if (persisted > n) {
        persisted = n;
      }
      FileChannel ch = channel();
      ch.truncate((long) n * entrySize);
      preallocate(ch);
      dirty = true;
    }
  }

  @Override
  void trim() throws IOException {
    writePending();
    FileChannel ch = channel();
    if (ch.size() != (long) count() * entrySize) {
      ch.truncate((long) count() * entrySize);
      dirty = true;
    }
  }

  @Override
  void force() throws IOException {
    writePending();
    if (dirty && channel != null) {
      channel.force(true);
    }
    dirty = false;
  }

  @Override
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
