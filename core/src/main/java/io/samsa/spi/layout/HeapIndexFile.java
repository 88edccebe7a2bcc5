package io.samsa.spi.layout;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An index kept whole on the heap; each entry is also written to the file at its slot. */
final class HeapIndexFile extends IndexFile {
  private FileChannel channel;
  private volatile ByteBuffer entries;

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
  void persist(int n) throws IOException {
    ByteBuffer entry = entries.duplicate();
    entry.limit((n + 1) * entrySize).position(n * entrySize);
    FileChannel ch = channel();
    long at = (long) n * entrySize;
    while (entry.hasRemaining()) {
      at += ch.write(entry, at);
    }
  }

  @Override
  void truncateTo(int n) throws IOException {
    if (n < count()) {
      count(n);
      FileChannel ch = channel();
      ch.truncate((long) n * entrySize);
      preallocate(ch);
      dirty = true;
    }
  }

  @Override
  void trim() throws IOException {
    if (channel != null || io.exists(path)) {
      FileChannel ch = channel();
      if (ch.size() != (long) count() * entrySize) {
        ch.truncate((long) count() * entrySize);
        dirty = true;
      }
    }
  }

  @Override
  void force() throws IOException {
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
