package io.samsa;

import java.nio.charset.StandardCharsets;

/** Short, printable descriptions of byte arrays for {@code toString} methods. */
final class Bytes {
  private static final int SHOWN = 32;

  private Bytes() {}

  static String describe(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    boolean printable = true;
    int shown = Math.min(bytes.length, SHOWN);
    for (int i = 0; i < shown && printable; i++) {
      printable = bytes[i] >= 0x20 && bytes[i] < 0x7f;
    }
    String head;
    if (printable) {
      head = '"' + new String(bytes, 0, shown, StandardCharsets.US_ASCII) + '"';
    } else {
      StringBuilder hex = new StringBuilder("0x");
      for (int i = 0; i < shown; i++) {
        hex.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(bytes[i] & 0xf, 16));
      }
      head = hex.toString();
    }
    return bytes.length > SHOWN ? head + "...(" + bytes.length + " bytes)" : head;
  }
}
