package io.samsa.testkit.model;

import io.samsa.testkit.CrashKind;
import java.util.List;

/**
 * One step of a scenario. Parameters that name an offset are {@code pick}s, read relative to
 * the log's state when the step runs ({@code logStart + pick % (range + 1)}), so that any list
 * of actions is meaningful and shrinking toward 0 means "toward the log start".
 */
public sealed interface Action {
  /** Appends the records as one batch. */
  record Append(List<RecordSpec> records) implements Action {
    public Append {
      records = List.copyOf(records);
    }
  }

  /** Reads from a picked offset with a byte limit. */
  record Read(int pick, int maxBytes) implements Action {}

  /** Reads below the log start or above the log end, expecting {@code OffsetOutOfRangeException}. */
  record ReadOutOfRange(boolean below, int distance) implements Action {}

  /** Sends the raw batches from a picked offset to a channel and decodes them. */
  record TransferTo(int pick, int maxBytes) implements Action {}

  /** Polls a {@code LogReader} from a picked offset to the end. */
  record Reader(int pick) implements Action {}

  /** Looks up the offset for a timestamp near that of a picked record. */
  record TimestampLookup(int pick, long shift) implements Action {}

  /** Rolls the active segment. */
  record Roll() implements Action {}

  /** Flushes the log. */
  record Flush() implements Action {}

  /** Truncates to a picked offset. */
  record Truncate(int pick) implements Action {}

  /** Deletes records before a picked offset. */
  record DeleteRecords(int pick) implements Action {}

  /** Advances the clock, then applies retention on demand. */
  record Retention(long advanceMillis) implements Action {}

  /** Advances the clock, then runs the store's due background work. */
  record Background(long advanceMillis) implements Action {}

  /** Closes the store cleanly and opens it again. */
  record Reopen() implements Action {}

  /** Cuts the power under the store and opens it again. */
  record Crash(CrashKind kind, long seed) implements Action {}
}
