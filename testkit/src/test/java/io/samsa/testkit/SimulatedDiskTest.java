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

  /** Opens (creating) a file whose name is durable: these tests are about its contents. */
  private FileChannel open(FileIO io, Path f) throws IOException {
    FileChannel ch = io.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    io.syncDirectory(f.getParent());
    return ch;
  }

  private static void writeNamed(FileIO io, Path f, byte[] content) throws IOException {
    try (FileChannel ch = io.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(content), 0);
      ch.force(true); // the contents are durable; the name is not, until the directory is synced
    }
  }

  @Test
  void createdFile_withForcedData_isLostUnlessItsDirectoryWasSynced() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    FileIO io = disk.fileIO();
    writeNamed(io, dir.resolve("early"), bytes(10, 1));
    writeNamed(io, dir.resolve("synced"), bytes(10, 2));
    io.syncDirectory(dir);
    writeNamed(io, dir.resolve("after"), bytes(10, 3));
    disk.crash(CrashKind.DROP, new Random(0));
    assertTrue(Files.exists(dir.resolve("early")), "synced with the directory later");
    assertArrayEquals(bytes(10, 2), Files.readAllBytes(dir.resolve("synced")));
    assertTrue(Files.notExists(dir.resolve("after")), "created after the last sync: gone");
  }

  @Test
  void deletionAndRename_areUndoneUnlessSynced_bringingBackWhatWasDurable() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    FileIO io = disk.fileIO();
    Path target = dir.resolve("checkpoint");
    Path doomed = dir.resolve("doomed");
    writeNamed(io, target, bytes(8, 1));
    writeNamed(io, doomed, bytes(8, 7));
    io.syncDirectory(dir);
    try (FileChannel ch = io.open(doomed, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes(8, 9)), 0); // never forced: not what comes back
    }
    io.deleteIfExists(doomed);
    Path tmp = dir.resolve("checkpoint.tmp");
    writeNamed(io, tmp, bytes(8, 2));
    io.move(tmp, target); // an atomic replace whose directory is never synced
    disk.crash(CrashKind.DROP, new Random(0));
    assertArrayEquals(bytes(8, 1), Files.readAllBytes(target), "the replaced file is back");
    assertArrayEquals(bytes(8, 7), Files.readAllBytes(doomed), "the deleted file is back, as durable");
    assertTrue(Files.notExists(tmp), "the temporary file was never durable");
  }

  @Test
  void newDirectory_withSyncedEntries_isLostWhenItsParentWasNotSynced() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    FileIO io = disk.fileIO();
    Path sub = dir.resolve("topic-0");
    io.createDirectories(sub);
    writeNamed(io, sub.resolve("segment"), bytes(4, 1));
    io.syncDirectory(sub);
    disk.crash(CrashKind.DROP, new Random(0));
    assertTrue(Files.notExists(sub));
  }

  @Test
  void tornNames_keepAPrefixOfTheChangesInOrder() throws IOException {
    for (int seed = 0; seed < 30; seed++) {
      Path sub = dir.resolve("n" + seed);
      Files.createDirectories(sub);
      SimulatedDisk disk = new SimulatedDisk();
      FileIO io = disk.fileIO();
      for (int i = 0; i < 5; i++) {
        writeNamed(io, sub.resolve("f" + i), bytes(1, i));
      }
      disk.crash(CrashKind.TEAR, new Random(seed));
      boolean gone = false;
      for (int i = 0; i < 5; i++) {
        boolean exists = Files.exists(sub.resolve("f" + i));
        assertTrue(!gone || !exists, "seed " + seed + ": f" + i + " survived a lost earlier change");
        gone |= !exists;
      }
    }
  }

  @Test
  void reorder_keepsAnySubsetOfTheUnforcedSectors_andNothingElse() throws IOException {
    boolean laterWithoutEarlier = false;
    for (int seed = 0; seed < 50; seed++) {
      SimulatedDisk disk = new SimulatedDisk();
      Path f = dir.resolve("r" + seed);
      FileChannel ch = open(disk.fileIO(), f);
      write(ch, bytes(512, 1), 0);
      ch.force(false);
      write(ch, bytes(512, 2), 512);
      write(ch, bytes(512, 3), 1024);
      disk.crash(CrashKind.REORDER, new Random(seed * 0x9E3779B97F4A7C15L)); // spread: small seeds correlate
      byte[] after = Files.readAllBytes(f);
      assertTrue(after.length == 512 || after.length == 1536, "old or new length: " + after.length);
      assertArrayEquals(bytes(512, 1), Arrays.copyOf(after, 512), "forced bytes stay");
      if (after.length == 1536) {
        byte[] second = Arrays.copyOfRange(after, 512, 1024);
        byte[] third = Arrays.copyOfRange(after, 1024, 1536);
        assertTrue(Arrays.equals(second, bytes(512, 2)) || Arrays.equals(second, bytes(512, 0)));
        assertTrue(Arrays.equals(third, bytes(512, 3)) || Arrays.equals(third, bytes(512, 0)));
        laterWithoutEarlier |= Arrays.equals(second, bytes(512, 0)) && Arrays.equals(third, bytes(512, 3));
      }
    }
    assertTrue(laterWithoutEarlier, "a later write survived where an earlier one was lost");
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
    disk.fileIO().syncDirectory(dir);
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
