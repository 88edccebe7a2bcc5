package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real full disk ({@code ENOSPC}): the child ({@link FullDiskChild}) runs in a mount namespace
 * of its own ({@code unshare --user --map-root-user --mount}, which needs no privilege where the
 * kernel allows unprivileged user namespaces) with a 4 MiB tmpfs, fills it, and frees space
 * again. The promise is the same as for any failed write: a StorageException, the log as it was,
 * and appends that work again once there is space.
 *
 * <p>Skipped, saying why, where user namespaces or mounts in them are not allowed (many CI
 * runners). The mmap backend allocates blocks with plain writes ahead of its stores into the
 * mapping, so that a full disk is an IOException there, not a SIGBUS under the mapping. RocksDB
 * reopens its database after the failed write (it refuses all writes until then); the reopen
 * flushes the replayed log into an SST file, so RocksDB needs free space about the size of its
 * log to recover: its child frees 2 MiB of the 4, the others 512 KiB.
 */
class FullDiskTest {
  @TempDir Path tmp;

  /** The command prefix that runs the rest of the command with a fresh 4 MiB tmpfs at {@code mount}. */
  static List<String> onTinyFilesystem(Path mount) {
    return List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
        "mount -t tmpfs -o size=4m tmpfs \"$0\" && exec \"$@\"", mount.toString());
  }

  static void needsTinyFilesystems(Path tmp) throws InterruptedException {
    Path probe = tmp.resolve("probe");
    boolean works;
    try {
      Files.createDirectories(probe);
      List<String> command = new java.util.ArrayList<>(onTinyFilesystem(probe));
      command.add("true");
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      works = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      works = false;
    }
    Assumptions.assumeTrue(works, "cannot mount a small tmpfs in an unprivileged user namespace here "
        + "(unshare missing, or user namespaces restricted): a real full disk cannot be made");
  }

  /** What the child said, and its exit value as the last line ({@code EXIT n}). */
  static List<String> run(Path tmp, String backend) throws Exception {
    Path mount = tmp.resolve("mnt-" + backend);
    Files.createDirectories(mount);
    try (ChildJvm child = ChildJvm.start(onTinyFilesystem(mount), FullDiskChild.class,
        tmp.resolve(backend + ".err"), List.of(mount.resolve("store").toString(), backend,
            Integer.toString(8 << 20), Integer.toString(backend.equals("rocksdb") ? 2 << 20 : 512 << 10)))) {
      int exit = child.await(120, TimeUnit.SECONDS);
      List<String> lines = new java.util.ArrayList<>(child.lines());
      lines.add("EXIT " + exit);
      return lines;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "mmap", "rocksdb"})
  void append_diskFull_throwsStorageExceptionAndLeavesTheLogAsItWas_thenAppendsGoOnOnceFreed(String backend)
      throws Exception {
    needsTinyFilesystems(tmp);
    List<String> lines = run(tmp, backend);
    String all = String.join("\n", lines);
    assertEquals("EXIT 0", lines.get(lines.size() - 1), all);
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("BAD")), all);
    String failed = lines.stream().filter(l -> l.startsWith("FAILED ")).findFirst().orElseThrow();
    assertTrue(failed.startsWith("FAILED io.samsa.StorageException ") && failed.contains("No space left"),
        "a full disk surfaces as a StorageException naming the cause:\n" + all);
    long end = Long.parseLong(lines.stream().filter(l -> l.startsWith("UNCHANGED ")).findFirst()
        .orElseThrow(() -> new AssertionError(all)).split(" ")[1]);
    assertTrue(lines.contains("APPENDED " + end), "once there is space the next append works:\n" + all);
    if (backend.equals("rocksdb") && !lines.contains("CLOSED")) {
      // A clean close flushes RocksDB's memtable to an SST file, which needs as much space again
      // as its write-ahead log holds: on a disk this small it may fail, clearly, and then the next
      // open recovers from the log, losing nothing.
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("CLOSE_FAILED io.samsa.StorageException ")
          && l.contains("No space left")), "a close that fails says why:\n" + all);
      assertTrue(lines.contains("VERIFIED " + (end + 3) + " clean=false"), "the next open recovers every "
          + "record:\n" + all);
      return;
    }
    assertTrue(lines.contains("CLOSED"), all);
    assertTrue(lines.contains("VERIFIED " + (end + 3) + " clean=true"), all);
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("CLOSE_FAILED_AGAIN")), all);
  }
}
