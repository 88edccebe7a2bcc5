package io.samsa.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The disk's own limits, measured with {@code dd} in the data directory, each after the same
 * page-cache {@link Treatment} as the contenders' write workloads:
 *
 * <ul>
 *   <li>sequential write, {@code bs=1M conv=fdatasync} (one sync at the end): the disk's bandwidth;
 *   <li>synced writes, {@code bs=64k oflag=dsync}, as many as append-1KB-fsync has batches: the
 *       same I/O pattern as that workload (about 64 KiB, then wait for the disk), so its bound;
 *   <li>sequential read of a file evicted with {@code DONTNEED} ({@code bs=1M}), and of the same
 *       file cached.
 * </ul>
 *
 * Each is recorded under the workload it bounds, as contender {@code dd}.
 */
final class DiskBaseline {
  private static final Pattern DD_RESULT = Pattern.compile("(\\d+) bytes .*copied, ([0-9.]+) s");

  private final Path dir;
  private final Sizes sizes;
  private final int reps;
  private final Treatment treatment;
  private final PrintStream log;

  DiskBaseline(Path dir, Sizes sizes, int reps, Treatment treatment, PrintStream log) {
    this.dir = dir;
    this.sizes = sizes;
    this.reps = reps;
    this.treatment = treatment;
    this.log = log;
  }

  List<Measurement> run() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path file = dir.resolve("dd.test");
    List<Measurement> out = new ArrayList<>();

    String seq = "dd if=/dev/zero of=FILE bs=1M count=" + sizes.ddSeqMiB() + " conv=fdatasync";
    List<Double> seqMb = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      Files.deleteIfExists(file);
      treatment.apply();
      seqMb.add(dd(seq, file));
    }
    out.add(Measurement.of("append-1KB", "dd", "bandwidth", "MB/s", "higher", seqMb,
        seq + ": sequential write, one fdatasync at the end"));

    String dsync = "dd if=/dev/zero of=FILE bs=64k count=" + sizes.fsyncBatches() + " oflag=dsync";
    List<Double> dsyncMb = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      Files.deleteIfExists(file);
      treatment.apply();
      dsyncMb.add(dd(dsync, file));
    }
    out.add(Measurement.of("append-1KB-fsync", "dd", "bandwidth", "MB/s", "higher", dsyncMb,
        dsync + ": every 64 KiB write synced, the pattern of append-1KB-fsync"));

    Files.deleteIfExists(file);
    treatment.apply();
    dd(seq, file);
    String read = "dd if=FILE of=/dev/null bs=1M";
    if (PageCache.isSupported()) {
      List<Double> coldMb = new ArrayList<>();
      double resident = 0;
      for (int rep = 0; rep < reps; rep++) {
        PageCache.evict(file);
        resident = Math.max(resident, PageCache.residency(file).fraction());
        coldMb.add(dd(read, file));
      }
      out.add(Measurement.of("read-seq-cold", "dd", "bandwidth", "MB/s", "higher", coldMb,
          String.format("%s of a %d MiB file evicted first (fsync + DONTNEED; at most %.2f%% resident)",
              read, sizes.ddSeqMiB(), 100 * resident)));
    }
    dd(read, file);
    List<Double> warmMb = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      warmMb.add(dd(read, file));
    }
    out.add(Measurement.of("read-seq-warm", "dd", "bandwidth", "MB/s", "higher", warmMb,
        read + ", file cached"));
    Files.deleteIfExists(file);
    return out;
  }

  /** Runs one {@code dd} command (FILE replaced by the path); returns its MB/s (10^6 bytes). */
  private double dd(String template, Path file) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    for (String word : template.split(" ")) {
      cmd.add(word.replace("FILE", file.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int exit = p.waitFor();
    Matcher m = DD_RESULT.matcher(out);
    if (exit != 0 || !m.find()) {
      throw new IOException("dd failed: command=" + String.join(" ", cmd) + ", exit=" + exit + ", output=" + out.trim());
    }
    double mb = Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2)) / 1e6;
    log.printf("dd: %s -> %.1f MB/s%n", template, mb);
    return mb;
  }
}
