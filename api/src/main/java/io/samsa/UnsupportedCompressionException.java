package io.samsa;

/**
 * A record batch is compressed. Samsa writes and reads only uncompressed batches (Kafka's codec
 * {@code none}); it refuses a compressed one rather than mis-read it.
 */
public class UnsupportedCompressionException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String codec;

  public UnsupportedCompressionException(String codec, String source, long position) {
    super("compressed record batch refused: codec=" + codec + ", source=" + source + ", position="
        + position + " (allowed: codec=none; Samsa stores uncompressed batches only)");
    this.codec = codec;
  }

  /** Kafka's name of the codec: gzip, snappy, lz4, zstd, or {@code unknown(n)}. */
  public String codec() {
    return codec;
  }
}
