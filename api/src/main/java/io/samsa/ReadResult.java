package io.samsa;

import java.util.Iterator;
import java.util.List;

/**
 * Records read from one partition, starting at the requested offset.
 *
 * @param records the records in offset order; never {@code null}
 * @param nextOffset the offset to read from next: one past the last record returned, or the
 *     requested offset if nothing was returned
 * @param logEndOffset the log end offset when the read was served
 * @param sizeInBytes the bytes of stored batches the read covered
 */
public record ReadResult(List<LogRecord> records, long nextOffset, long logEndOffset, int sizeInBytes)
    implements Iterable<LogRecord> {

  public ReadResult {
    records = List.copyOf(records);
  }

  public boolean isEmpty() {
    return records.isEmpty();
  }

  public int size() {
    return records.size();
  }

  @Override
  public Iterator<LogRecord> iterator() {
    return records.iterator();
  }
}
