package io.samsa.testkit;

import io.samsa.spi.FileIO;
import java.util.Random;

/**
 * Simulates a power cut under a running store: the store's I/O stops dead, and what it had not
 * forced to disk is lost or damaged as {@link CrashKind} says. The conformance kit opens every
 * store with {@link #fileIO()} and calls {@link #crash} between operations.
 *
 * <p>The default simulator is a {@link SimulatedDisk}, which works for any backend that does its
 * file I/O through the {@link io.samsa.spi.StorageContext#fileIO()} it is given.
 */
public interface CrashSimulator {
  /** The file system for the next store to open; a fresh one after each crash. */
  FileIO fileIO();

  /**
   * Cuts the power: every I/O of the stores opened so far fails from now on, and their unforced
   * writes are dropped, torn or flipped as {@code kind} says, choosing with {@code random}.
   */
  void crash(CrashKind kind, Random random);
}
