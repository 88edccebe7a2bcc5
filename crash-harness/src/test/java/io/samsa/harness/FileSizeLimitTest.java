package io.samsa.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real I/O error from the kernel, without root: a child JVM ({@link FileSizeLimitChild}) lowers
 * its own file size limit (RLIMIT_FSIZE) below what its store needs, so that the kernel refuses
 * the write that would grow a file past it ({@code EFBIG}, after writing what fits: a torn write),
 * then lifts the limit again. The JVM ignores SIGXFSZ, so the error reaches Java as an
 * IOException.
 *
 * <p>The same promise as for a full disk: the failing append throws a StorageException and
 * leaves the log as it was; once the limit is lifted, the next append works at the same offset;
 * a clean reopen reads every record back. A real full disk (ENOSPC) needs a small filesystem,
 * which needs a mount, which needs privileges a build does not have; this is the closest a build
 * can get.
 *
 * <p>RocksDB refuses every write after one failed until the database is reopened; its backend
 * reopens it in place at the next call, so it too works again once the limit is lifted.
 *
 * <p>Needs Linux and {@code prlimit} (util-linux); skipped, saying so, elsewhere.
 */
class FileSizeLimitTest {
  static final int LIMIT = 1 << 20;

  @TempDir Path tmp;

  @BeforeAll
  static void needsPrlimit() throws InterruptedException {
    Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
        "RLIMIT_FSIZE through prlimit is Linux's");
    boolean found;
    try {
      Process p = new ProcessBuilder("prlimit", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      found = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      found = false;
    }
    Assumptions.assumeTrue(found, "prlimit (util-linux) is not installed");
  }

  @ParameterizedTest(name = "{0}: {3}")
  @CsvSource({
      "file,    4194304, 65536,   the data file outgrows the limit",
      "file,    262144,  2097152, a roll preallocates indexes past the limit",
      "mmap,    4194304, 65536,   a new segment cannot be preallocated",
      "mmap,    262144,  2097152, a roll preallocates indexes past the limit",
      "rocksdb, 4194304, 65536,   the write-ahead log outgrows the limit",
  })
  void append_kernelRefusesAWrite_throwsAndLeavesTheLogAsItWas_andAppendsGoOnOnceLifted(
      String backend, int segmentBytes, int segmentIndexBytes, String what) throws Exception {
    Path dir = tmp.resolve(backend + "-" + segmentBytes);
    try (ChildJvm child = ChildJvm.start(FileSizeLimitChild.class, tmp.resolve("child.err"), List.of(
        dir.toString(), backend, Integer.toString(LIMIT), Integer.toString(segmentBytes),
        Integer.toString(segmentIndexBytes)))) {
      int exit = child.await(120, TimeUnit.SECONDS);
      List<String> lines = child.lines();
      String all = String.join("\n", lines) + "\nstandard error:\n" + child.stderrTail();
      assertEquals(0, exit, "the child's exit value (153 = killed by SIGXFSZ):\n" + all);
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("BAD")), all);
      String failed = line(lines, "FAILED ", all);
      assertTrue(failed.startsWith("FAILED io.samsa.StorageException "), "the kernel's refusal surfaces as a "
          + "StorageException:\n" + all);
      assertTrue(failed.contains("t-0") && failed.contains("File too large"), "it names the partition and "
          + "the cause:\n" + all);
      long end = Long.parseLong(line(lines, "UNCHANGED ", all).split(" ")[1]);
      assertTrue(lines.contains("LIFTED"), all);
      // Still limited, a second append may fail again, or succeed at the same offset (RocksDB,
      // reopened, starts a new, short write-ahead log): either way nothing was skipped.
      boolean tookOne = lines.contains("APPENDED_WHILE_LIMITED " + end);
      assertTrue(tookOne || lines.stream().anyMatch(l -> l.startsWith("FAILED_AGAIN io.samsa.StorageException ")),
          "the second attempt under the limit fails cleanly or takes the failed one's offset:\n" + all);
      assertEquals("APPENDED " + (tookOne ? end + 3 : end), line(lines, "APPENDED ", all), "after the limit "
          + "is lifted, the next append takes the next offset:\n" + all);
      assertTrue(line(lines, "VERIFIED ", all).endsWith("clean=true"), all);
    }
  }

  private static String line(List<String> lines, String prefix, String all) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix.trim() + "' line from the child:\n" + all));
  }
}
