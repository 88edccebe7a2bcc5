package io.samsa.harness;

import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.ReadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reading a whole log back and checking it against a {@link RecordModel}; copying stores. */
final class StoreChecks {
  private StoreChecks() {}

  /** Every record from the log start to the log end, read in steps of {@code maxBytes}. */
  static List<LogRecord> readAll(Log log, int maxBytes) {
    List<LogRecord> all = new ArrayList<>();
    long offset = log.logStartOffset();
    long end = log.logEndOffset();
    while (offset < end) {
      ReadResult r = log.read(offset, maxBytes);
      if (r.isEmpty()) {
        throw new AssertionError(log.topicPartition() + ": read at " + offset + " below the log end "
            + end + " returned nothing");
      }
      all.addAll(r.records());
      offset = r.nextOffset();
    }
    return all;
  }

  /**
   * Checks that the log holds, densely from its start to its end, exactly the model's records.
   *
   * @return the number of records checked
   */
  static long verify(Log log, int partition, RecordModel model) {
    List<LogRecord> all = readAll(log, 256 * 1024);
    long expected = log.logStartOffset();
    for (LogRecord r : all) {
      if (r.offset() != expected) {
        throw new AssertionError(log.topicPartition() + ": offsets not dense: expected " + expected
            + ", read " + r.offset());
      }
      if (!model.matches(partition, r)) {
        throw new AssertionError("a record differs from what was written: " + model.describeMismatch(partition, r));
      }
      expected++;
    }
    if (expected != log.logEndOffset()) {
      throw new AssertionError(log.topicPartition() + ": read up to " + expected + ", log end is "
          + log.logEndOffset());
    }
    return all.size();
  }

  /** Copies a directory tree (a store whose process is dead), files and all. */
  static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying " + from + " to " + to + " failed", e);
    }
  }

  /** Deletes a directory tree if it exists. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + dir + " failed", e);
    }
  }
}
