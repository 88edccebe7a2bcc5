package io.samsa.testkit;

/** What a simulated power cut does to the writes that were not yet forced to disk. */
public enum CrashKind {
  /** Every unforced write is lost. */
  DROP,
  /** Unforced writes survive in order up to one that is torn at a random byte; the rest are lost. */
  TEAR,
  /** As {@link #TEAR}, and then one random byte of what survived unforced is flipped. */
  FLIP
}
