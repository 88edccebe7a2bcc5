package io.samsa.harness;

import static io.samsa.harness.ChildReport.oneLine;
import static io.samsa.harness.ChildReport.say;
import static io.samsa.harness.ChildReport.verify;

import io.samsa.FlushPolicy;
import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The program {@link FileSizeLimitTest} runs in a child JVM: it writes to a store, lowers its own
 * file size limit (RLIMIT_FSIZE, with {@code prlimit}, which needs no privilege below the hard
 * limit), appends until the kernel refuses a write, checks what the failed append left, lifts the
 * limit, and appends again. It reports on standard output, one fact per line:
 *
 * <pre>
 *  LIMITED bytes                  the limit is in force
 *  FAILED class message           an append failed (after how many appends: APPENDS n)
 *  UNCHANGED logEnd               the failed append left the log as it was (read back whole)
 *  FAILED_AGAIN class | APPENDED_WHILE_LIMITED base   the next attempt, still limited
 *  LIFTED                         the limit is gone
 *  APPENDED base                  an append after the limit was lifted
 *  VERIFIED logEnd                a clean reopen read every record back as written
 *  BAD message                    a check failed
 * </pre>
 *
 * <p>Arguments: {@code dir backend limitBytes segmentBytes segmentIndexBytes}.
 */
public final class FileSizeLimitChild {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  private FileSizeLimitChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String backend = args[1];
    long limit = Long.parseLong(args[2]);
    TopicConfig config = TopicConfig.builder().segmentBytes(Integer.parseInt(args[3]))
        .segmentIndexBytes(Integer.parseInt(args[4])).indexIntervalBytes(1024)
        .retentionTime(TopicConfig.FOREVER).flushPolicy(FlushPolicy.everyAppend()).build();
    RecordModel model = new RecordModel(7);
    LogStore store = Samsa.builder(dir).backend(backend).open();
    store.createTopic(TP.topic(), 1, config);
    Log log = store.log(TP);
    for (int i = 0; i < 5; i++) {
      log.append(model.records(0, log.logEndOffset(), 2));
    }
    prlimit(limit + ":unlimited");
    say("LIMITED " + limit);
    int appends = 0;
    while (true) {
      long end = log.logEndOffset();
      try {
        log.append(model.records(0, end, 3));
        if (++appends > 100_000) {
          say("BAD the limit never stopped an append");
          throw new IllegalStateException("BAD the limit never stopped an append");
        }
        continue;
      } catch (Throwable e) {
        say("APPENDS " + appends);
        say("FAILED " + e.getClass().getName() + " " + oneLine(e));
      }
      if (log.logEndOffset() != end) {
        say("BAD the failed append moved the log end from " + end + " to " + log.logEndOffset());
      } else {
        verify(log, model, end);
        say("UNCHANGED " + end);
      }
      try {
        long base = log.append(model.records(0, end, 3)).baseOffset();
        say("APPENDED_WHILE_LIMITED " + base);
      } catch (Throwable e) {
        say("FAILED_AGAIN " + e.getClass().getName() + " " + oneLine(e));
      }
      break;
    }
    prlimit("unlimited:unlimited");
    say("LIFTED");
    long end = log.logEndOffset();
    try {
      say("APPENDED " + log.append(model.records(0, end, 3)).baseOffset());
    } catch (Throwable e) {
      say("FAILED_AFTER_LIFT " + e.getClass().getName() + " " + oneLine(e));
    }
    try {
      store.close();
    } catch (Throwable e) {
      say("CLOSE_FAILED " + e.getClass().getName() + " " + oneLine(e));
    }
    try (LogStore again = Samsa.builder(dir).backend(backend).open()) {
      Log reopened = again.log(TP);
      verify(reopened, model, reopened.logEndOffset());
      say("VERIFIED " + reopened.logEndOffset() + " clean=" + again.recoveryReport().cleanShutdown());
    }
  }

  /** Sets this process's RLIMIT_FSIZE to {@code softColonHard}, in bytes. */
  private static void prlimit(String softColonHard) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
        "--fsize=" + softColonHard).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      say("BAD prlimit --fsize=" + softColonHard + " failed");
      throw new IllegalStateException("BAD prlimit --fsize=" + softColonHard + " failed");
    }
  }
}
