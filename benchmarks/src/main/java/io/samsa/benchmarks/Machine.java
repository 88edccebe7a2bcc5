package io.samsa.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the benchmarks ran on: kernel, distribution, CPU, memory, JVM, and the data directory's disk. */
final class Machine {
  private Machine() {}

  /** Ordered facts, each a short label and a value; a fact that cannot be read says so. */
  static Map<String, String> describe(Path dataDir) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("kernel", command("uname", "-srm"));
    String lsb = command("lsb_release", "-ds");
    m.put("distribution", lsb.startsWith("(") ? osRelease() : lsb);
    m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores visible to the JVM");
    String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
    try {
      mem = String.format("%.1f GiB (MemTotal %s)", Long.parseLong(mem.split(" ")[0]) / 1024.0 / 1024, mem);
    } catch (NumberFormatException e) {
      // keep the raw line
    }
    m.put("memory", mem);
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + ")");
    String mount = command("findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "-T", dataDir.toAbsolutePath().toString());
    m.put("data directory", dataDir.toAbsolutePath() + " on " + mount);
    String device = mount.split("\\s+")[0];
    String name = device.startsWith("/dev/") ? device.substring(5) : device;
    Path sys = Path.of("/sys/block", name);
    if (Files.isDirectory(sys)) {
      String driver = "";
      try {
        driver = Files.readSymbolicLink(sys.resolve("device/driver")).getFileName().toString();
      } catch (IOException | UnsupportedOperationException e) {
        driver = "unknown driver";
      }
      m.put("disk", String.format("%s: %s, driver %s, rotational=%s (as the device reports it), "
              + "read_ahead_kb=%s, scheduler %s", name, command("lsblk", "-d", "-n", "-o", "SIZE", device),
          driver, read(sys.resolve("queue/rotational")), read(sys.resolve("queue/read_ahead_kb")),
          read(sys.resolve("queue/scheduler"))));
    }
    m.put("vm.dirty_ratio / dirty_background_ratio", read(Path.of("/proc/sys/vm/dirty_ratio")) + " / "
        + read(Path.of("/proc/sys/vm/dirty_background_ratio")));
    m.put("open files limit", firstMatch(Path.of("/proc/self/limits"), "Max open files"));
    m.put("vm.max_map_count", read(Path.of("/proc/sys/vm/max_map_count")));
    return m;
  }

  private static String osRelease() {
    String pretty = firstMatch(Path.of("/etc/os-release"), "PRETTY_NAME");
    return pretty.replaceFirst("^PRETTY_NAME=", "").replace("\"", "");
  }

  private static String read(Path file) {
    try {
      // Not readString: /proc files report a size of 0, and only their first byte would be read.
      return String.join(" ", Files.readAllLines(file)).trim();
    } catch (IOException e) {
      return "(unreadable: " + file + ")";
    }
  }

  private static String firstMatch(Path file, String prefix) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length()).replaceFirst("^[\\s:]+", "").replaceAll("\\s+", " ").trim();
        }
      }
      return "(not in " + file + ")";
    } catch (IOException e) {
      return "(unreadable: " + file + ")";
    }
  }

  /** The trimmed output of a command, or a parenthesized reason it failed. */
  static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "(" + String.join(" ", cmd) + " failed: " + out + ")";
      }
      return out.replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "(" + cmd[0] + " not available)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
