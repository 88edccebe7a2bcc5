package io.samsa.storage.mmap;

import io.samsa.spi.BatchSlice;
import io.samsa.spi.FileIO;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.layout.IndexedSegment;
import io.samsa.spi.layout.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A segment whose {@code .log} is a preallocated, memory-mapped file: appends are stores into the
 * mapping, reads are slices of it, a flush forces it (msync). The indexes are memory-mapped too.
 *
 * <h2>File length</h2>
 * While the segment takes appends its file is {@code segment.bytes} long (sparse), mapped
 * read-write whole. Sealing or closing trims the file to its batches, so a reopened segment never
 * takes preallocated zeros for data; after a crash, recovery finds the end of the batches (zeros
 * end them) and cuts the file there. The mapping outlives a trim: nothing touches it at or past
 * the file's length, which the data and reads never reach.
 *
 * <h2>Blocks before stores</h2>
 * The file is extended sparsely, but no store goes into the mapping over a hole: ahead of the
 * data, blocks are allocated with plain writes of zeros, {@value #ALLOCATION_CHUNK} bytes at a
 * time. On a full disk that write fails with an IOException, and the append fails cleanly, with
 * the log as it was; a store over a hole the filesystem cannot fill would instead be a SIGBUS,
 * which the JVM reports as an {@code InternalError} at some later instruction. The price is one
 * extra write of zeros per chunk of data (into the page cache, which the stores then reuse); the
 * chunk is small, so that a nearly full disk keeps room for checkpoints.
 *
 * <h2>Mappings</h2>
 * A segment found on disk is mapped read-only when first read, and read-write when it takes its
 * first append; a mapping that is replaced stays valid (a reader may hold a slice of it) until the
 * segment closes. Closing or deleting a segment unmaps every mapping at once ({@link
 * FileIO#unmap}): the core guarantees no reader is in the segment then.
 */
final class MmapSegment extends IndexedSegment {
  /** The largest mapping Java can make (one {@code MappedByteBuffer}): a segment must fit. */
  static final long MAX_MAPPING_BYTES = Integer.MAX_VALUE;
  private static final int ZERO_RUN = 64 * 1024;
  /** Bytes allocated ahead of the data at a time. */
  static final int ALLOCATION_CHUNK = 64 * 1024;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_RUN).asReadOnlyBuffer();

  /** Makes memory-mapped segments for the directory layout. */
  static final SegmentFiles FILES = new SegmentFiles() {
    @Override
    public IndexedSegment create(FileIO io, Path dir, long baseOffset, SegmentOptions options,
        Consumer<IndexedSegment> onDelete) throws IOException {
      checkFits(options);
      Path logPath = dir.resolve(SegmentFiles.fileName(baseOffset) + SegmentFiles.LOG_SUFFIX);
      FileChannel ch = io.open(logPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      MmapSegment s = new MmapSegment(io, dir, baseOffset, options, ch, 0, onDelete);
      try {
        s.initialize(0, true, false);
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      return s;
    }

    @Override
    public IndexedSegment open(FileIO io, Path dir, long baseOffset, SegmentOptions options,
        Consumer<IndexedSegment> onDelete) throws IOException {
      checkFits(options);
      Path logPath = dir.resolve(SegmentFiles.fileName(baseOffset) + SegmentFiles.LOG_SUFFIX);
      FileChannel ch = io.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
      long length = ch.size();
      MmapSegment s = new MmapSegment(io, dir, baseOffset, options, ch, length, onDelete);
      s.initialize(length, false, false);
      return s;
    }
  };

  private final FileChannel channel;
  private final int capacity;
  private volatile MappedByteBuffer mapping; // null until first used
  private volatile long fileLength;
  private boolean writable; // the mapping is read-write over [0, capacity)
  private boolean lengthChanged; // since the last force
  private long allocated; // bytes from 0 that are real blocks, not holes; guarded by lock
  private final List<MappedByteBuffer> superseded = new ArrayList<>();

  private MmapSegment(FileIO io, Path dir, long baseOffset, SegmentOptions options, FileChannel channel,
      long length, Consumer<IndexedSegment> onDelete) {
    super(io, dir, baseOffset, options, true, onDelete);
    this.channel = channel;
    this.fileLength = length;
    this.allocated = length;
    this.capacity = (int) Math.max(options.segmentBytes(), Math.min(length, MAX_MAPPING_BYTES));
  }

  /**
   * @throws IllegalArgumentException if a segment of {@code segment.bytes} cannot be one mapping
   */
  static void checkFits(SegmentOptions options) {
    if (options.segmentBytes() > MAX_MAPPING_BYTES) {
      throw new IllegalArgumentException("segment too large for the mmap backend: segment.bytes="
          + options.segmentBytes() + ", allowed: at most " + MAX_MAPPING_BYTES
          + " (a segment is one memory mapping)");
    }
  }

  @Override
  protected void writeData(ByteBuffer src, long position) throws IOException {
    MappedByteBuffer m = writableMapping();
    allocate(position + src.remaining());
    m.put((int) position, src, src.position(), src.remaining());
    src.position(src.limit());
  }

  /** The read-write mapping, extending the file to its capacity first if a trim shortened it. */
  private MappedByteBuffer writableMapping() throws IOException {
    synchronized (lock) {
      if (fileLength < capacity) {
        channel.write(ByteBuffer.allocate(1), capacity - 1L); // preallocate (sparse)
        fileLength = capacity;
        lengthChanged = true;
      }
      if (!writable) {
        if (mapping != null) {
          superseded.add(mapping); // a reader may still hold a slice of it
        }
        mapping = io.map(channel, FileChannel.MapMode.READ_WRITE, 0, capacity);
        writable = true;
      }
      return mapping;
    }
  }

  /**
   * Makes sure the bytes below {@code end} are real blocks, writing zeros past the data in chunks.
   *
   * @throws IOException if the filesystem cannot give them (a full disk): nothing was stored
   */
  private void allocate(long end) throws IOException {
    synchronized (lock) {
      if (end <= allocated) {
        return;
      }
      zeroFill(end); // what this store needs: a failure here fails the append
      try {
        zeroFill(Math.min(capacity, allocated + ALLOCATION_CHUNK)); // ahead, if there is room
      } catch (IOException notYet) {
        // the disk is nearly full: the next append allocates what it needs, or fails cleanly
      }
    }
  }

  private void zeroFill(long target) throws IOException {
    ByteBuffer zeros = ZEROS.duplicate();
    while (allocated < target) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), target - allocated));
      allocated += channel.write(zeros, allocated);
    }
  }

  /** The current mapping for reads (published before the size that needs it), or null if empty. */
  private MappedByteBuffer readableMapping() throws IOException {
    MappedByteBuffer m = mapping;
    if (m != null) {
      return m;
    }
    synchronized (lock) {
      if (mapping == null && fileLength > 0) {
        mapping = io.map(channel, FileChannel.MapMode.READ_ONLY, 0, fileLength);
      }
      return mapping;
    }
  }

  @Override
  protected int readData(ByteBuffer dst, long position) throws IOException {
    MappedByteBuffer m = readableMapping();
    long end = m == null ? 0 : Math.min(fileLength, m.capacity());
    if (position >= end) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), end - position);
    dst.put(dst.position(), m, (int) position, n);
    dst.position(dst.position() + n);
    return n;
  }

  @Override
  protected BatchSlice sliceData(long position, int length) throws IOException {
    return BatchSlice.of(readableMapping().slice((int) position, length), position);
  }

  @Override
  protected void truncateData(long size) throws IOException {
    synchronized (lock) {
      if (channel.size() > size) {
        // The mapping stays: nothing touches it at or past the new length.
        channel.truncate(size);
        fileLength = size;
        allocated = Math.min(allocated, size);
        lengthChanged = true;
      }
    }
  }

  @Override
  protected void forceData(long size) throws IOException {
    MappedByteBuffer m;
    boolean lengthToo;
    synchronized (lock) {
      m = writable ? mapping : null;
      lengthToo = lengthChanged;
      lengthChanged = false;
    }
    if (m != null && size > 0) {
      io.force(m, 0, (int) Math.min(size, fileLength)); // msync: the batches and the length they need
    }
    if (lengthToo) {
      channel.force(false); // a trim or an extension
    }
  }

  @Override
  protected long dataLength() throws IOException {
    return channel.size();
  }

  @Override
  protected long cutEnd(long validEnd, long length) throws IOException {
    // Preallocated zeros after the batches are not data: report the cut up to the last non-zero
    // byte before a long run of zeros.
    ByteBuffer chunk = ByteBuffer.allocate(ZERO_RUN);
    long lastNonZero = validEnd - 1;
    for (long at = validEnd; at < length; at += ZERO_RUN) {
      chunk.clear();
      int n = channel.read(chunk, at);
      if (n <= 0) {
        break;
      }
      boolean zeros = true;
      for (int i = n - 1; i >= 0; i--) {
        if (chunk.get(i) != 0) {
          lastNonZero = at + i;
          zeros = false;
          break;
        }
      }
      if (zeros) {
        break;
      }
    }
    return lastNonZero + 1;
  }

  @Override
  protected void closeData() throws IOException {
    synchronized (lock) {
      for (MappedByteBuffer m : superseded) {
        io.unmap(m);
      }
      superseded.clear();
      if (mapping != null) {
        io.unmap(mapping);
        mapping = null;
      }
    }
    channel.close();
  }
}
