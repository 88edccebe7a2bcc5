package io.samsa.spi;

import io.samsa.TopicPartition;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The storage of one partition: its ordered segments and its checkpoint.
 *
 * <p>The core calls {@link #loadSegments()} once, first; then it owns the list of segments and
 * tells the store about each change (create, delete). The core serializes calls that change the
 * partition; reads of segments run concurrently with them only as described on {@link Segment}.
 */
public interface PartitionStore extends Closeable {
  TopicPartition partition();

  /**
   * The segments found on open, in ascending base offset. They are not validated: the core
   * decides which to {@linkplain Segment#recover recover} and which to trust. Leftovers of an
   * interrupted operation (temporary files, half-deleted segments) are removed here.
   */
  List<Segment> loadSegments() throws IOException;

  /**
   * Creates an empty segment whose first batch will have {@code baseOffset}, which is at least the
   * next offset of every existing segment.
   */
  Segment createSegment(long baseOffset) throws IOException;

  /**
   * The last checkpoint written, or empty if none was ever written.
   *
   * @throws CorruptCheckpointException if it exists but cannot be read; the core then recovers
   *     the whole partition
   */
  Optional<PartitionCheckpoint> readCheckpoint() throws IOException;

  /**
   * Replaces the checkpoint atomically and durably: when this returns, a crash leaves the new one;
   * if it fails or the process dies during it, the old one is intact.
   */
  void writeCheckpoint(PartitionCheckpoint checkpoint) throws IOException;

  /** Closes every segment still open. */
  @Override
  void close() throws IOException;
}
