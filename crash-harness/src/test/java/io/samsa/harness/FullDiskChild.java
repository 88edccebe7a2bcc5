package io.samsa.harness;

import static io.samsa.harness.ChildReport.oneLine;
import static io.samsa.harness.ChildReport.say;
import static io.samsa.harness.ChildReport.verify;

import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The program {@link FullDiskTest} runs in a child JVM on a small filesystem of its own: it takes
 * some of the space with a filler file, appends until the filesystem is full, checks what the
 * failed append left, deletes the filler and appends again. One fact per line on standard output:
 *
 * <pre>
 *  FAILED class message      an append failed (after APPENDS n)
 *  UNCHANGED logEnd          the failed append left the log as it was (read back whole)
 *  FREED                     the filler is gone: there is space again
 *  APPENDED base | FAILED_AFTER_FREE class message
 *  CLOSED | CLOSE_FAILED class message
 *  VERIFIED logEnd clean=... a reopen read every record back as written
 *  CLOSE_FAILED_AGAIN class message   closing the reopened store failed
 *  BAD message
 * </pre>
 *
 * <p>Arguments: {@code dir backend segmentBytes fillerBytes}.
 */
public final class FullDiskChild {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  private FullDiskChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String backend = args[1];
    TopicConfig config = TopicConfig.builder().segmentBytes(Integer.parseInt(args[2]))
        .segmentIndexBytes(64 * 1024).retentionTime(TopicConfig.FOREVER).build();
    Path filler = dir.resolveSibling("filler");
    Files.write(filler, new byte[Integer.parseInt(args[3])]);
    RecordModel model = new RecordModel(5);
    LogStore store = Samsa.builder(dir).backend(backend).open();
    store.createTopic(TP.topic(), 1, config);
    Log log = store.log(TP);
    int appends = 0;
    long end;
    while (true) {
      end = log.logEndOffset();
      try {
        log.append(model.records(0, end, 3));
        if (++appends > 1_000_000) {
          say("BAD the disk never filled");
          throw new IllegalStateException("BAD the disk never filled");
        }
      } catch (Throwable e) {
        say("APPENDS " + appends);
        say("FAILED " + e.getClass().getName() + " " + oneLine(e));
        break;
      }
    }
    try {
      if (log.logEndOffset() != end) {
        say("BAD the failed append moved the log end from " + end + " to " + log.logEndOffset());
      } else {
        verify(log, model, end);
        say("UNCHANGED " + end);
      }
    } catch (Throwable e) {
      say("BAD reading after the failed append: " + e.getClass().getName() + " " + oneLine(e));
    }
    Files.delete(filler);
    say("FREED");
    try {
      say("APPENDED " + log.append(model.records(0, end, 3)).baseOffset());
    } catch (Throwable e) {
      say("FAILED_AFTER_FREE " + e.getClass().getName() + " " + oneLine(e));
    }
    try {
      store.close();
      say("CLOSED");
    } catch (Throwable e) {
      say("CLOSE_FAILED " + e.getClass().getName() + " " + oneLine(e));
    }
    LogStore again;
    try {
      again = Samsa.builder(dir).backend(backend).open();
      Log reopened = again.log(TP);
      verify(reopened, model, reopened.logEndOffset());
      say("VERIFIED " + reopened.logEndOffset() + " clean=" + again.recoveryReport().cleanShutdown());
    } catch (Throwable e) {
      say("BAD reopening: " + e.getClass().getName() + " " + oneLine(e));
      return;
    }
    try {
      again.close();
    } catch (Throwable e) {
      say("CLOSE_FAILED_AGAIN " + e.getClass().getName() + " " + oneLine(e));
    }
  }
}
