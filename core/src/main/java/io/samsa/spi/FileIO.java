package io.samsa.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The file system a store and its backend use: every open, move, delete and directory sync goes
 * through here, so that a test can put a fault-injecting implementation underneath (one that
 * loses unsynced writes or tears them, as a power cut would).
 *
 * <p>The crash model backends may assume: file contents written but not forced can be lost or
 * torn at a crash; directory changes (create, move, delete) persist once {@link #syncDirectory}
 * of their directory returns.
 */
public interface FileIO {
  /** The JVM's default file system. */
  static FileIO standard() {
    return StandardFileIO.INSTANCE;
  }

  /** Opens a file channel, as {@link FileChannel#open(Path, Set, java.nio.file.attribute.FileAttribute[])}. */
  FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;

  default FileChannel open(Path file, OpenOption... options) throws IOException {
    return open(file, Set.of(options));
  }

  void createDirectories(Path dir) throws IOException;

  /** Renames {@code source} to {@code target} atomically, replacing {@code target}. */
  void move(Path source, Path target) throws IOException;

  /** Deletes a file or an empty directory if it exists. */
  void deleteIfExists(Path path) throws IOException;

  /** Forces the directory's entries (files created, moved, deleted in it) to disk. */
  void syncDirectory(Path dir) throws IOException;

  /** The entries of a directory, sorted by name. */
  List<Path> list(Path dir) throws IOException;

  boolean exists(Path path);

  boolean isDirectory(Path path);

  /**
   * Replaces {@code target}'s content atomically and durably: writes a temporary file, forces
   * it, renames it over {@code target} and syncs the directory.
   */
  default void writeAtomically(Path target, byte[] content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    move(tmp, target); // commit point
    syncDirectory(target.getParent());
  }

  /**
   * Maps a region of a file opened through {@link #open}; see {@link FileChannel#map}. Writes
   * through a read-write mapping become durable at {@link #force(MappedByteBuffer, int, int)}.
   */
  default MappedByteBuffer map(FileChannel channel, FileChannel.MapMode mode, long position, long size)
      throws IOException {
    return channel.map(mode, position, size);
  }

  /** Forces {@code length} bytes of a mapping from {@code index} to disk (msync). */
  default void force(MappedByteBuffer mapping, int index, int length) throws IOException {
    mapping.force(index, length);
  }

  /**
   * Releases a mapping at once (not when the garbage collector finds it). The caller guarantees
   * that nothing touches the buffer afterwards: that would crash the JVM.
   */
  default void unmap(MappedByteBuffer mapping) throws IOException {
    Unmapper.unmap(mapping);
  }

  /** Reads a whole (small) file. */
  default byte[] readAllBytes(Path file) throws IOException {
    try (FileChannel ch = open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("file too large to read whole: file=" + file + ", size=" + size);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // keep reading until full or at the end
      }
      return buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array();
    }
  }

  /** Deletes a directory and everything below it, if it exists. */
  default void deleteRecursively(Path dir) throws IOException {
    if (!exists(dir)) {
      return;
    }
    if (isDirectory(dir)) {
      for (Path child : list(dir)) {
        deleteRecursively(child);
      }
    }
    deleteIfExists(dir);
  }
}
