package io.samsa.spi.format;

import java.nio.ByteBuffer;

/**
 * Protobuf-style base-128 varints with zigzag encoding, as Kafka's records use: an int takes at
 * most 5 bytes, a long at most 10, and small negative numbers such as -1 take one byte.
 */
final class Varints {
  private Varints() {}

  static int sizeOfVarint(int value) {
    int v = (value << 1) ^ (value >> 31);
    int bytes = 1;
    while ((v & 0xffffff80) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  static int sizeOfVarlong(long value) {
    long v = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((v & 0xffffffffffffff80L) != 0L) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  static void putVarint(ByteBuffer buf, int value) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & 0xffffff80) != 0) {
      buf.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    buf.put((byte) v);
  }

  static void putVarlong(ByteBuffer buf, long value) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & 0xffffffffffffff80L) != 0L) {
      buf.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    buf.put((byte) v);
  }
}
