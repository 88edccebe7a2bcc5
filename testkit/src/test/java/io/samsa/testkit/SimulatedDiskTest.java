package io.samsa.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash model of the simulated disk, write by write. */
class SimulatedDiskTest {
  @TempDir Path dir;

  private static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  private static void write(FileChannel ch, byte[] b, long at) throws IOException {
    ch.write(ByteBuffer.wrap(b), at);
  }

  private FileChannel open(FileIO io, Path f) throws IOException {
    return io.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Test
  void drop_losesEveryUnforcedWrite_andKeepsForcedOnes() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path f = dir.resolve("a");
    FileChannel ch = open(disk.fileIO(), f);
    write(ch, bytes(100, 1), 0);
    ch.force(false);
    write(ch, bytes(50, 2), 100);
    write(ch, bytes(10, 3), 20); // overwrites forced bytes
    disk.crash(CrashKind.DROP, new Random(1));
    assertArrayEquals(bytes(100, 1), Files.readAllBytes(f));
    assertEquals(2, disk.lostChanges());
  }

  @Test
  void tear_keepsAPrefixOfTheUnforcedWritesInOrder() throws IOException {
    for (int seed = 0; seed < 50; seed++) {
      SimulatedDisk disk = new SimulatedDisk();
      Path f = dir.resolve("t" + seed);
      FileChannel ch = open(disk.fileIO(), f);
      write(ch, bytes(10, 1), 0);
      ch.force(false);
      write(ch, bytes(10, 2), 10);
      write(ch, bytes(10, 3), 20);
      disk.crash(CrashKind.TEAR, new Random(seed));
      byte[] after = Files.readAllBytes(f);
      assertTrue(after.length >= 10 && after.length <= 30, "length " + after.length);
      for (int i = 0; i < after.length; i++) {
        assertEquals(i < 10 ? 1 : i < 20 ? 2 : 3, after[i], "byte " + i + " with seed " + seed);
      }
    }
  }

  @Test
  void flip_changesExactlyOneUnforcedByte() throws IOException {
    int flipped = 0;
    for (int seed = 0; seed < 50; seed++) {
      SimulatedDisk disk = new SimulatedDisk();
      Path f = dir.resolve("f" + seed);
      FileChannel ch = open(disk.fileIO(), f);
      write(ch, bytes(64, 7), 0);
      ch.force(false);
      write(ch, bytes(64, 7), 64);
      disk.crash(CrashKind.FLIP, new Random(seed));
      byte[] after = Files.readAllBytes(f);
      int diffs = 0;
      for (int i = 0; i < after.length; i++) {
        if (after[i] != 7) {
          diffs++;
          assertTrue(i >= 64, "a forced byte was flipped at " + i);
        }
      }
      assertTrue(diffs <= 1, diffs + " bytes differ");
      flipped += diffs;
    }
    assertTrue(flipped > 30, "flips happen: " + flipped);
  }

  @Test
  void truncation_isUndoneUnlessForced() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path f = dir.resolve("t");
    FileChannel ch = open(disk.fileIO(), f);
    write(ch, bytes(100, 5), 0);
    ch.force(false);
    ch.truncate(40);
    disk.crash(CrashKind.DROP, new Random(0));
    assertArrayEquals(bytes(100, 5), Files.readAllBytes(f), "the unforced truncation is lost");

    ch = open(disk.fileIO(), f);
    ch.truncate(40);
    ch.force(false);
    disk.crash(CrashKind.DROP, new Random(0));
    assertEquals(40, Files.size(f), "the forced truncation is kept");
  }

  @Test
  void atomicWrite_survivesAnyCrash_andMovesCarryUnforcedWrites() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path f = dir.resolve("checkpoint");
    disk.fileIO().writeAtomically(f, bytes(20, 9));
    disk.crash(CrashKind.FLIP, new Random(3));
    assertArrayEquals(bytes(20, 9), Files.readAllBytes(f));

    Path tmp = dir.resolve("tmp");
    FileChannel ch = open(disk.fileIO(), tmp);
    write(ch, bytes(20, 4), 0);
    ch.close();
    disk.fileIO().move(tmp, f); // renamed without forcing its content first
    disk.crash(CrashKind.DROP, new Random(0));
    assertEquals(0, Files.size(f), "the unforced content is lost under its new name");
  }

  @Test
  void aCrashedSession_refusesEveryCall_andANewOneWorks() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    FileIO before = disk.fileIO();
    FileChannel ch = open(before, dir.resolve("x"));
    disk.crash(CrashKind.DROP, new Random(0));
    assertThrows(IOException.class, () -> write(ch, bytes(1, 1), 0));
    assertThrows(IOException.class, () -> open(before, dir.resolve("y")));
    assertThrows(IOException.class, () -> before.move(dir.resolve("x"), dir.resolve("z")));
    FileChannel again = open(disk.fileIO(), dir.resolve("x"));
    write(again, bytes(3, 1), 0);
    assertEquals(3, again.size());
  }

  @Test
  void readWriteMapping_outsideFileIO_isRefused() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    FileChannel ch = open(disk.fileIO(), dir.resolve("m"));
    write(ch, bytes(8, 1), 0);
    assertThrows(UnsupportedOperationException.class, () -> ch.map(FileChannel.MapMode.READ_WRITE, 0, 8));
  }

  /** A file mapped read-write: 4 sectors written, the first 2 forced with msync. */
  private Path mappedFile(SimulatedDisk disk, String name) throws IOException {
    Path f = dir.resolve(name);
    FileIO io = disk.fileIO();
    FileChannel ch = open(io, f);
    java.nio.MappedByteBuffer m = io.map(ch, FileChannel.MapMode.READ_WRITE, 0, 2048);
    m.put(0, bytes(1024, 5));
    io.force(m, 0, 1024);
    m.put(1024, bytes(1024, 6));
    io.unmap(m);
    ch.close();
    return f;
  }

  @Test
  void mappedFile_drop_keepsWhatMsyncForced_andLosesTheRest() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path f = mappedFile(disk, "drop");
    disk.crash(CrashKind.DROP, new Random(0));
    disk.fileIO(); // the next store opens: mapped files take their crash state
    byte[] after = Files.readAllBytes(f);
    assertEquals(2048, after.length, "msync made the length durable");
    assertArrayEquals(bytes(1024, 5), Arrays.copyOf(after, 1024));
    assertArrayEquals(new byte[1024], Arrays.copyOfRange(after, 1024, 2048), "the unforced sectors are lost");
  }

  @Test
  void mappedFile_tear_keepsSomeDirtySectors_eachWholeOldOrNew() throws IOException {
    int kept = 0;
    for (int seed = 0; seed < 30; seed++) {
      SimulatedDisk disk = new SimulatedDisk();
      Path f = mappedFile(disk, "tear" + seed);
      disk.crash(CrashKind.TEAR, new Random(seed));
      disk.fileIO();
      byte[] after = Files.readAllBytes(f);
      assertArrayEquals(bytes(1024, 5), Arrays.copyOf(after, 1024), "forced sectors stay");
      for (int sector = 1024; sector < 2048; sector += 512) {
        byte[] s = Arrays.copyOfRange(after, sector, sector + 512);
        boolean old = Arrays.equals(s, new byte[512]);
        boolean written = Arrays.equals(s, bytes(512, 6));
        assertTrue(old || written, "sector at " + sector + " is torn inside, seed " + seed);
        kept += written ? 1 : 0;
      }
    }
    assertTrue(kept > 10 && kept < 50, "dirty sectors survive at random: " + kept + " of 60");
  }

  @Test
  void mappedFile_flip_changesOnlyAWrittenByte() throws IOException {
    for (int seed = 0; seed < 30; seed++) {
      SimulatedDisk disk = new SimulatedDisk();
      Path f = mappedFile(disk, "flip" + seed);
      disk.crash(CrashKind.FLIP, new Random(seed));
      disk.fileIO();
      byte[] after = Files.readAllBytes(f);
      assertArrayEquals(bytes(1024, 5), Arrays.copyOf(after, 1024), "forced bytes are never flipped");
    }
  }
}
