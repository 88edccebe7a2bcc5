package io.samsa.core.internal.io;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.samsa.spi.FileIO;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileIO} that bounds the file descriptors its channels hold. {@link #open} returns a
 * {@link CachedFileChannel}: a channel that borrows a real descriptor for each operation from a
 * bounded cache (Caffeine, size-bounded), and reopens the file when its descriptor was closed for
 * lack of room. So ten thousand partitions, each with a few segments and their indexes, need no
 * more descriptors than the bound.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A descriptor is never closed under an operation: each operation holds a reference, and
 *       a descriptor evicted meanwhile is closed when the last reference is released. The count
 *       of open descriptors can exceed the bound by the operations in flight, never more.
 *   <li>Reopening never changes the file: {@code CREATE}, {@code CREATE_NEW} and {@code
 *       TRUNCATE_EXISTING} apply to the first open only.
 *   <li>Closing a descriptor loses nothing: data written through it is in the page cache, and a
 *       later {@code force} through another descriptor of the same file forces it (fsync acts on
 *       the file, not on the descriptor).
 *   <li>An interrupted thread fails its own operation ({@code ClosedByInterruptException}) but
 *       does not close the channel for everyone else, as a plain {@link FileChannel} would: the
 *       dead descriptor is dropped and the next operation opens a new one.
 * </ul>
 *
 * <p>Files opened with {@code APPEND} or {@code DELETE_ON_CLOSE} are not cached (their semantics
 * are tied to one descriptor); neither are the short-lived files of {@link #writeAtomically} and
 * {@link #readAllBytes}. File locks are refused: a lock would be released when its descriptor is
 * evicted.
 */
public final class BoundedFileIO implements FileIO, Closeable {
  private static final System.Logger LOG = System.getLogger(BoundedFileIO.class.getName());
  private static final Set<StandardOpenOption> FIRST_OPEN_ONLY = EnumSet.of(
      StandardOpenOption.CREATE, StandardOpenOption.CREATE_NEW, StandardOpenOption.TRUNCATE_EXISTING,
      StandardOpenOption.SPARSE);

  private final FileIO delegate;
  private final int maxOpenFiles;
  private final Cache<CachedFileChannel, Handle> open;
  private final AtomicLong opens = new AtomicLong();

  /**
   * @param delegate the file system underneath
   * @param maxOpenFiles how many descriptors the cache keeps open at most
   * @throws IllegalArgumentException if {@code maxOpenFiles < 1}
   */
  public BoundedFileIO(FileIO delegate, int maxOpenFiles) {
    if (maxOpenFiles < 1) {
      throw new IllegalArgumentException("maxOpenFiles must be >= 1: maxOpenFiles=" + maxOpenFiles);
    }
    this.delegate = delegate;
    this.maxOpenFiles = maxOpenFiles;
    this.open = Caffeine.newBuilder()
        .maximumSize(maxOpenFiles)
        .executor(Runnable::run) // evict on the caller's thread: the bound holds at once
        .<CachedFileChannel, Handle>removalListener((channel, handle, cause) -> {
          if (handle != null) {
            handle.release(); // the cache's own reference
          }
        })
        .build();
  }

  /** The bound on cached descriptors. */
  public int maxOpenFiles() {
    return maxOpenFiles;
  }

  /** How many descriptors are cached now (in-flight operations on evicted ones aside). */
  public long cachedDescriptors() {
    open.cleanUp();
    return open.estimatedSize();
  }

  /** How many times a file was opened, first opens and reopens together. */
  public long opens() {
    return opens.get();
  }

  @Override
  public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
    if (options.contains(StandardOpenOption.APPEND) || options.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
      return delegate.open(file, options);
    }
    FileChannel first = delegate.open(file, options);
    opens.incrementAndGet();
    Set<OpenOption> again = new HashSet<>(options);
    again.removeAll(FIRST_OPEN_ONLY);
    CachedFileChannel channel = new CachedFileChannel(this, file, Set.copyOf(again));
    open.put(channel, new Handle(first, 1));
    return channel;
  }

  /** Borrows a descriptor of {@code channel}'s file; the caller releases it. */
  Handle acquire(CachedFileChannel channel) throws IOException {
    while (true) {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      Handle h = open.getIfPresent(channel);
      if (h == null) {
        // Opened outside the cache's lock: a slow open does not block other files. Two threads
        // may race to open the same file; the loser closes its descriptor.
        Handle fresh = new Handle(delegate.open(channel.path(), channel.reopenOptions()), 2);
        opens.incrementAndGet();
        Handle existing = open.asMap().putIfAbsent(channel, fresh);
        if (existing == null) {
          return recheck(channel, fresh);
        }
        fresh.release();
        fresh.release();
        h = existing;
      }
      if (h.retain()) {
        return recheck(channel, h);
      }
      open.asMap().remove(channel, h); // evicted and closing: take a new one
    }
  }

  /** A channel closed while we opened a descriptor for it must not keep that descriptor. */
  private Handle recheck(CachedFileChannel channel, Handle h) throws IOException {
    if (!channel.isOpen()) {
      h.release();
      open.asMap().remove(channel, h);
      throw new ClosedChannelException();
    }
    return h;
  }

  /** Drops a descriptor that died under an operation (an interrupt closed it). */
  void discard(CachedFileChannel channel, Handle h) {
    open.asMap().remove(channel, h);
  }

  /** The channel is closed: its descriptor closes once no operation uses it. */
  void closed(CachedFileChannel channel) {
    open.invalidate(channel);
  }

  @Override
  public MappedByteBuffer map(FileChannel channel, FileChannel.MapMode mode, long position, long size)
      throws IOException {
    if (!(channel instanceof CachedFileChannel cached)) {
      return delegate.map(channel, mode, position, size);
    }
    Handle h = acquire(cached);
    try {
      return delegate.map(h.channel, mode, position, size); // a mapping outlives its descriptor
    } finally {
      h.release();
    }
  }

  @Override
  public void force(MappedByteBuffer mapping, int index, int length) throws IOException {
    delegate.force(mapping, index, length);
  }

  @Override
  public void unmap(MappedByteBuffer mapping) throws IOException {
    delegate.unmap(mapping);
  }

  @Override
  public void writeAtomically(Path target, byte[] content) throws IOException {
    delegate.writeAtomically(target, content);
  }

  @Override
  public byte[] readAllBytes(Path file) throws IOException {
    return delegate.readAllBytes(file);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    delegate.move(source, target);
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    delegate.deleteIfExists(path);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    delegate.syncDirectory(dir);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public boolean isDirectory(Path path) {
    return delegate.isDirectory(path);
  }

  /** Closes every idle descriptor; those in use close when their operation ends. */
  @Override
  public void close() {
    open.invalidateAll();
    open.cleanUp();
  }

  /** A real descriptor with a reference count: the cache holds one, each operation another. */
  static final class Handle {
    final FileChannel channel;
    private final RefCount refs;

    Handle(FileChannel channel, int refs) {
      this.channel = channel;
      this.refs = new RefCount(refs);
    }

    boolean retain() {
      return refs.retain();
    }

    void release() {
      if (refs.release()) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.log(Level.DEBUG, "closing a cached descriptor failed", e);
        }
      }
    }
  }
}
