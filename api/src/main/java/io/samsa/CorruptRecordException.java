package io.samsa;

/**
 * Stored or received bytes are not a valid record batch: a checksum failed, a length is out of
 * bounds, an offset is out of sequence. Samsa never serves such bytes.
 */
public class CorruptRecordException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long position;
  private final String reason;

  /**
   * @param source the file (or other source) the bytes came from
   * @param position the byte position of the bad batch in that source
   * @param reason what is wrong, with the offending value and what was expected
   */
  public CorruptRecordException(String source, long position, String reason) {
    super("corrupt record batch: source=" + source + ", position=" + position + ", reason=" + reason);
    this.source = source;
    this.position = position;
    this.reason = reason;
  }

  public String source() {
    return source;
  }

  public long position() {
    return position;
  }

  public String reason() {
    return reason;
  }
}
