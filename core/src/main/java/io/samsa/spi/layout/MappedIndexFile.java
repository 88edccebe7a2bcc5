package io.samsa.spi.layout;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An index whose entries are stores into a memory mapping of the file, as Kafka's indexes are.
 *
 * <p>A mapping is never removed while a reader may use it. Appends and trims keep the mapping
 * (readers only touch the first {@code count} entries, which stay within the file). A new mapping
 * is made only when no reader can be in the index: when it is created or loaded (before the
 * segment is used) and when truncation reopens it for appends (the core excludes readers then);
 * the old mappings are unmapped when the index closes.
 */
final class MappedIndexFile extends IndexFile {
  private FileChannel channel;
  private volatile MappedByteBuffer mapping;
  private boolean writable;
  /** Bytes from 0 that are real blocks, not holes: no entry is stored above them. */
  private long allocated;
  private final List<MappedByteBuffer> superseded = new ArrayList<>();
  /** Blocks claimed ahead of the entries at a time: one page holds 512 offset entries. */
  static final int ALLOCATION_CHUNK = 4096;
  private static final ByteBuffer ZEROS = ByteBuffer.allocate(ALLOCATION_CHUNK).asReadOnlyBuffer();

  MappedIndexFile(FileIO io, Path path, int entrySize, int maxBytes) {
    super(io, path, entrySize, maxBytes);
  }

  @Override
  ByteBuffer entries() {
    MappedByteBuffer m = mapping;
    return m == null ? ByteBuffer.allocate(0) : m;
  }

  @Override
  void create() throws IOException {
    count(0);
    unmapAll();
    FileChannel ch = channel();
    ch.truncate(0);
    mapWritable(ch);
    dirty = true;
  }

  @Override
  boolean load() throws IOException {
    if (!io.exists(path)) {
      return false;
    }
    FileChannel ch = channel();
    long size = ch.size();
    if (size % entrySize != 0 || size / entrySize > maxEntries) {
      return false;
    }
    unmapAll();
    if (size > 0) {
      mapping = io.map(ch, FileChannel.MapMode.READ_ONLY, 0, size);
    }
    writable = false;
    count((int) (size / entrySize));
    return true;
  }

  @Override
  ByteBuffer slotFor(int n) throws IOException {
    if (!writable) {
      // An index loaded read-only takes appends again: only when no reader is in it (see above).
      FileChannel ch = channel();
      if (mapping != null) {
        superseded.add(mapping);
      }
      mapWritable(ch);
    }
    claim((long) (n + 1) * entrySize);
    return mapping;
  }

  /**
   * Makes the bytes below {@code end} real blocks, writing zeros from the last claimed byte up to
   * the next chunk boundary: a store into the mapping over a hole that the filesystem cannot fill
   * (a full disk) is a SIGBUS, which Java reports as an InternalError at some later instruction;
   * written here, a full disk is an IOException and the append fails cleanly. Claiming as entries
   * come, rather than the whole preallocated file at creation, keeps an index of a few entries at
   * a few KiB on disk (ten thousand partitions would otherwise write 200 GB of zeros).
   */
  private void claim(long end) throws IOException {
    if (end <= allocated) {
      return;
    }
    long max = (long) maxEntries * entrySize;
    long target = Math.min(max, (end + ALLOCATION_CHUNK - 1) / ALLOCATION_CHUNK * ALLOCATION_CHUNK);
    ByteBuffer zeros = ZEROS.duplicate();
    while (allocated < target) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), target - allocated));
      allocated += channel.write(zeros, allocated);
    }
  }

  @Override
  void persist(int n) {
    // the entry is in the mapping already; force() makes it durable
  }

  @Override
  void truncateTo(int n) throws IOException {
    if (n < count()) {
      count(n);
      dirty = true;
    }
    if (!writable) {
      FileChannel ch = channel();
      if (mapping != null) {
        superseded.add(mapping);
      }
      mapWritable(ch);
    }
  }

  @Override
  void trim() throws IOException {
    if (channel != null || io.exists(path)) {
      FileChannel ch = channel();
      if (writable && mapping != null) {
        io.force(mapping, 0, count() * entrySize);
      }
      if (ch.size() != (long) count() * entrySize) {
        // Readers only touch the first count entries, which stay within the file.
        ch.truncate((long) count() * entrySize);
        writable = false;
        dirty = true;
      }
    }
  }

  @Override
  void force() throws IOException {
    if (dirty && channel != null) {
      if (mapping != null && writable) {
        io.force(mapping, 0, count() * entrySize);
      }
      channel.force(true); // the file's length, after a trim
    }
    dirty = false;
  }

  @Override
  void close() throws IOException {
    unmapAll();
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  private void mapWritable(FileChannel ch) throws IOException {
    long max = (long) maxEntries * entrySize;
    long size = ch.size();
    allocated = Math.min(size, max); // the entries there are real blocks; see claim()
    if (size < max) {
      ch.write(ByteBuffer.allocate(1), max - 1); // preallocate, sparse: blocks are claimed per entry
    }
    mapping = io.map(ch, FileChannel.MapMode.READ_WRITE, 0, max);
    writable = true;
  }

  private void unmapAll() throws IOException {
    for (MappedByteBuffer m : superseded) {
      io.unmap(m);
    }
    superseded.clear();
    if (mapping != null) {
      io.unmap(mapping);
      mapping = null;
    }
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      channel = io.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    return channel;
  }
}
