package io.samsa.spi;

import io.samsa.SamsaException;

/**
 * A checkpoint could not be parsed or failed its checksum. The core then falls back to a full
 * recovery of the partition.
 */
public class CorruptCheckpointException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String source;

  public CorruptCheckpointException(String source, String reason) {
    super("corrupt checkpoint: source=" + source + ", reason=" + reason);
    this.source = source;
  }

  public String source() {
    return source;
  }
}
