package io.samsa.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCacheTest {
  @TempDir
  Path dir;

  @Test
  void evict_freshlyWrittenDirtyFile_leavesNoPageResident() throws IOException {
    assumeTrue(PageCache.isSupported(), "needs Linux posix_fadvise and mincore");
    Path file = dir.resolve("data");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1 << 20);
      for (int i = 0; i < 8; i++) {
        b.clear();
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }
    PageCache.Residency before = PageCache.residency(file);
    assertEquals(2048, before.pages(), "8 MiB of 4 KiB pages");

    PageCache.Residency after = PageCache.evictTree(dir);

    assertEquals(0, after.residentPages(), "resident after eviction: " + after);
    assertEquals(8 << 20, Files.size(file));
  }

  @Test
  void residency_emptyFile_hasNoPages() throws IOException {
    assumeTrue(PageCache.isSupported(), "needs Linux posix_fadvise and mincore");
    Path file = Files.createFile(dir.resolve("empty"));

    assertEquals(new PageCache.Residency(1, 0, 0, 0), PageCache.residency(file));
  }
}
