package io.samsa.harness;

import io.samsa.Log;
import io.samsa.LogRecord;
import java.util.List;

/** What the disk-fault children ({@link FileSizeLimitChild}, {@link FullDiskChild}) tell their parent. */
final class ChildReport {
  private ChildReport() {}

  /** One line on standard output, flushed at once: a fact the parent reads as it comes. */
  static void say(String line) {
    System.out.print(line + "\n");
    System.out.flush();
  }

  static String oneLine(Throwable e) {
    return String.valueOf(e.getMessage()).replace('\n', ' ');
  }

  /** Reads partition 0 back whole and says BAD for every record that is missing or not the model's. */
  static void verify(Log log, RecordModel model, long end) {
    List<LogRecord> all = StoreChecks.readAll(log, 1 << 20);
    if (all.size() != end) {
      say("BAD read " + all.size() + " records, log end " + end);
    }
    for (LogRecord r : all) {
      if (!model.matches(0, r)) {
        say("BAD " + model.describeMismatch(0, r));
      }
    }
  }
}
