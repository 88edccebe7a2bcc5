package io.samsa.testkit.memory;

import io.samsa.testkit.CrashKind;
import java.util.Arrays;
import java.util.Random;

/**
 * The bytes of one memory segment: what is "on disk" ({@code durable}, as of the last flush) and
 * what the segment holds now ({@code content}). The content is published as an immutable snapshot
 * (array and length), so readers never see a write in progress.
 */
final class SegmentData {
  final long baseOffset;
  private volatile Content content = new Content(new byte[0], 0);
  private byte[] durable = new byte[0];

  /** An array and how much of it is valid; bytes below {@code length} never change. */
  record Content(byte[] bytes, int length) {}

  SegmentData(long baseOffset) {
    this.baseOffset = baseOffset;
  }

  Content content() {
    return content;
  }

  synchronized void append(byte[] src, int offset, int length) {
    Content c = content;
    byte[] bytes = c.bytes;
    if (c.length + length > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(c.length + length, bytes.length * 2));
    }
    System.arraycopy(src, offset, bytes, c.length, length);
    content = new Content(bytes, c.length + length);
  }

  synchronized void truncate(int length) {
    Content c = content;
    // A fresh array: a reader's snapshot of the old bytes stays intact.
    content = new Content(Arrays.copyOf(c.bytes, length), length);
  }

  synchronized void flush() {
    Content c = content;
    durable = Arrays.copyOf(c.bytes, c.length);
  }

  /** What a power cut leaves: the durable bytes, plus part of the unflushed tail if it extended them. */
  synchronized void crash(CrashKind kind, Random random) {
    Content c = content;
    boolean extends_ = c.length >= durable.length
        && Arrays.equals(c.bytes, 0, durable.length, durable, 0, durable.length);
    int keep = durable.length;
    byte[] after = Arrays.copyOf(durable, durable.length);
    if (kind != CrashKind.DROP && extends_ && c.length > durable.length) {
      keep = durable.length + random.nextInt(c.length - durable.length + 1);
      after = Arrays.copyOf(c.bytes, keep);
      if (kind == CrashKind.FLIP && keep > durable.length) {
        int at = durable.length + random.nextInt(keep - durable.length);
        after[at] ^= (byte) (1 + random.nextInt(255));
      }
    }
    content = new Content(after, keep);
    durable = Arrays.copyOf(after, keep);
  }
}
