package io.samsa.spi.layout;

import io.samsa.spi.FileIO;
import io.samsa.spi.SegmentOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Makes the segments of a {@link DirectoryTopicStore}: a backend that keeps Kafka's layout
 * implements this (usually by extending {@link IndexedSegment}) and gets the topic and partition
 * stores for free.
 */
public interface SegmentFiles {
  String LOG_SUFFIX = ".log";
  String INDEX_SUFFIX = ".index";
  String TIME_INDEX_SUFFIX = ".timeindex";

  /** The 20-digit zero-padded base offset that names a segment's files, as Kafka's. */
  static String fileName(long baseOffset) {
    return String.format("%020d", baseOffset);
  }

  /** Creates a new, empty segment in {@code dir}, replacing leftovers of the same name. */
  IndexedSegment create(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      Consumer<IndexedSegment> onDelete) throws IOException;

  /** Opens a segment found in {@code dir}; its indexes are loaded when first needed. */
  IndexedSegment open(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      Consumer<IndexedSegment> onDelete) throws IOException;

  /**
   * The backend's own housekeeping, called by {@link DirectoryTopicStore#maintain()} (see {@link
   * io.samsa.spi.TopicStore#maintain()}). The default does nothing.
   */
  default void maintain() throws IOException {}
}
