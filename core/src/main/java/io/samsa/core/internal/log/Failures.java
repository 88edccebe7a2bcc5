package io.samsa.core.internal.log;

import io.samsa.StorageException;
import io.samsa.TopicPartition;
import java.io.IOException;

/** Turns a backend's {@link IOException} into a {@link StorageException} that says where. */
final class Failures {
  private Failures() {}

  static StorageException io(String operation, TopicPartition partition, String where, IOException e) {
    return new StorageException(operation + " failed: partition=" + partition
        + (where == null ? "" : ", segment=" + where) + ", error=" + e, e);
  }
}
