package io.samsa.testkit;

/** What a simulated power cut does to the writes that were not yet forced to disk. */
public enum CrashKind {
  /** Every unforced write is lost. */
  DROP,
  /** Unforced writes survive in order up to one that is torn at a random byte; the rest are lost. */
  TEAR,
  /** As {@link #TEAR}, and then one random byte of what survived unforced is flipped. */
  FLIP,
  /**
   * Write-back keeps no order: each 512-byte sector written since the last force survives or not
   * on its own, and the file keeps its old or its new length. A later write may survive where an
   * earlier one is lost.
   */
  REORDER
}
