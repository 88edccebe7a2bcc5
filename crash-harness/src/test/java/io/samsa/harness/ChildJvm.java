package io.samsa.harness;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A child JVM running a main class of this module on the test's own class path, with {@code java}
 * from {@code java.home}. Its standard output is read line by line as it comes; a test waits for
 * a line it is interested in, then kills the child with {@link #kill()} (SIGKILL) and reads what
 * the child managed to say before it died. Standard error goes to a file, shown when a check fails.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path stderr;
  private final Thread reader;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<String> lines = new ArrayList<>(); // guarded by lock
  private boolean ended; // guarded by lock

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::readLines, "child-jvm-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} with {@code args}.
   *
   * @param prefix a command that runs the JVM (e.g. {@code prlimit --fsize=...}), or empty
   */
  static ChildJvm start(List<String> prefix, Class<?> mainClass, Path stderr, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A child lives a second or two: start fast, stay small.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m", "-Xss512k"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(stderr.toFile());
    return new ChildJvm(pb.start(), stderr);
  }

  static ChildJvm start(Class<?> mainClass, Path stderr, List<String> args) throws IOException {
    return start(List.of(), mainClass, stderr, args);
  }

  long pid() {
    return process.pid();
  }

  /** Collects whole lines only: a line the child was killed in the middle of is not a fact. */
  private void readLines() {
    try (InputStreamReader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      char[] buf = new char[8192];
      int n;
      while ((n = r.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') {
            line.append(buf[i]);
            continue;
          }
          lock.lock();
          try {
            lines.add(line.toString());
            changed.signalAll();
          } finally {
            lock.unlock();
          }
          line.setLength(0);
        }
      }
    } catch (IOException e) {
      // the stream closes when the child dies
    } finally {
      lock.lock();
      try {
        ended = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Waits until a line matching {@code wanted} arrives ({@code n}-th such line), the child's
   * output ends, or the timeout passes.
   *
   * @return whether the line arrived
   */
  boolean awaitLine(Predicate<String> wanted, int n, long timeout, TimeUnit unit)
      throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      int seen = 0;
      int scanned = 0;
      while (true) {
        for (; scanned < lines.size(); scanned++) {
          if (wanted.test(lines.get(scanned)) && ++seen >= n) {
            return true;
          }
        }
        if (ended || nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Kills the child with SIGKILL ({@link Process#destroyForcibly()} on Linux), waits for it to die
   * and for its output to end, and returns its exit value.
   */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("child " + process.pid() + " did not die within 60 s of SIGKILL");
    }
    reader.join(TimeUnit.SECONDS.toMillis(60));
    return process.exitValue();
  }

  /** Waits for the child to exit by itself; returns its exit value. */
  int await(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      process.destroyForcibly();
      throw new AssertionError("child " + process.pid() + " did not exit within " + timeout + " " + unit
          + "; killed it. Its standard error:\n" + stderrTail());
    }
    reader.join(TimeUnit.SECONDS.toMillis(60));
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Every whole line the child printed so far. */
  List<String> lines() {
    lock.lock();
    try {
      return List.copyOf(lines);
    } finally {
      lock.unlock();
    }
  }

  /** The end of the child's standard error, for failure messages. */
  String stderrTail() {
    try {
      List<String> all = Files.readAllLines(stderr, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - 60), all.size()));
    } catch (IOException e) {
      return "(standard error unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
