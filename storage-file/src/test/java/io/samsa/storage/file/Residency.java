package io.samsa.storage.file;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Which pages of a file are in the page cache, asked with {@code mincore(2)} (tests only). */
final class Residency {
  private interface LibC extends Library {
    LibC C = Native.load("c", LibC.class);

    int mincore(Pointer address, long length, byte[] vector);

    int getpagesize();
  }

  private Residency() {}

  static int pageSize() {
    return LibC.C.getpagesize();
  }

  /** The fraction of the pages in {@code [from, to)} that are resident. */
  static double resident(Path file, long from, long to) throws IOException {
    int page = pageSize();
    long start = from / page * page;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = Math.min(to, ch.size());
      if (end <= start) {
        return 0;
      }
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, start, end - start);
      byte[] vector = new byte[(int) ((end - start + page - 1) / page)];
      int rc = LibC.C.mincore(Native.getDirectBufferPointer(map), end - start, vector);
      if (rc != 0) {
        throw new IOException("mincore failed: errno=" + Native.getLastError());
      }
      int in = 0;
      for (byte b : vector) {
        in += b & 1;
      }
      io.samsa.spi.FileIO.standard().unmap(map);
      return (double) in / vector.length;
    }
  }

  /** Waits up to {@code timeout} for {@code condition}; advice works in the background. */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5); // polling a condition, with a deadline
    }
    return true;
  }
}
