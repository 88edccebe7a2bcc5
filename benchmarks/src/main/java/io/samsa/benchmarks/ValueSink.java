package io.samsa.benchmarks;

import java.nio.ByteBuffer;

/**
 * Where a read hands each record's value: the bytes end up in a {@code byte[]} the consumer owns
 * (Samsa's API returns one per record; for the baselines the value is copied into a reused array),
 * and a running check value keeps the JIT from skipping any of it.
 */
final class ValueSink {
  private final byte[] scratch = new byte[1 << 20];
  private long records;
  private long bytes;
  private long check;

  void accept(byte[] value) {
    records++;
    bytes += value.length;
    check += value.length == 0 ? 1 : value[0] ^ value[value.length - 1];
  }

  void accept(ByteBuffer value) {
    int n = value.remaining();
    value.get(scratch, 0, n);
    acceptScratch(n);
  }

  /** The array a contender copies a value of up to 1 MiB into before {@link #acceptScratch}. */
  byte[] scratch() {
    return scratch;
  }

  /** Accepts the value just copied into the first {@code n} bytes of {@link #scratch()}. */
  void acceptScratch(int n) {
    records++;
    bytes += n;
    check += n == 0 ? 1 : scratch[0] ^ scratch[n - 1];
  }

  long records() {
    return records;
  }

  long bytes() {
    return bytes;
  }

  long check() {
    return check;
  }
}
