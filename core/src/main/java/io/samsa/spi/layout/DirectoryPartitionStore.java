package io.samsa.spi.layout;

import io.samsa.TopicPartition;
import io.samsa.spi.FileIO;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.format.CheckpointFormat;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One partition directory, {@code <topic>-<partition>/}, as Kafka lays it out (its segments are
 * made by the backend's {@link SegmentFiles}):
 *
 * <pre>
 *  00000000000000000000.log        record batches
 *  00000000000000000000.index      sparse offset index
 *  00000000000000000000.timeindex  sparse time index
 *  00000000000000368769.log        the next segment, named by its base offset ...
 *  partition.checkpoint            recovery point, log start, high watermark, leader epochs
 * </pre>
 *
 * <p>The checkpoint is replaced atomically (write a temporary file, force it, rename it over the
 * old one, sync the directory) and carries a checksum (see {@link CheckpointFormat}).
 */
final class DirectoryPartitionStore implements PartitionStore {
  private static final System.Logger LOG = System.getLogger(DirectoryPartitionStore.class.getName());
  static final String CHECKPOINT_FILE = DirectoryTopicStore.CHECKPOINT_FILE;

  private final TopicPartition partition;
  private final Path dir;
  private final FileIO io;
  private final SegmentOptions options;
  private final SegmentFiles files;
  private final Set<IndexedSegment> open = ConcurrentHashMap.newKeySet();

  DirectoryPartitionStore(TopicPartition partition, Path dir, FileIO io, SegmentOptions options,
      SegmentFiles files) {
    this.partition = partition;
    this.dir = dir;
    this.io = io;
    this.options = options;
    this.files = files;
  }

  @Override
  public TopicPartition partition() {
    return partition;
  }

  @Override
  public List<Segment> loadSegments() throws IOException {
    TreeSet<Long> bases = new TreeSet<>();
    List<Path> strays = new ArrayList<>();
    for (Path p : io.list(dir)) {
      String name = p.getFileName().toString();
      if (name.endsWith(".tmp") || name.endsWith(".deleted")) {
        strays.add(p);
      } else if (name.endsWith(SegmentFiles.LOG_SUFFIX) && isBaseOffset(name, SegmentFiles.LOG_SUFFIX)) {
        bases.add(Long.parseLong(name.substring(0, name.length() - 4)));
      }
    }
    // Indexes without their log are leftovers of a deletion.
    for (Path p : io.list(dir)) {
      String name = p.getFileName().toString();
      for (String suffix : new String[] {SegmentFiles.INDEX_SUFFIX, SegmentFiles.TIME_INDEX_SUFFIX}) {
        if (name.endsWith(suffix) && isBaseOffset(name, suffix)
            && !bases.contains(Long.parseLong(name.substring(0, name.length() - suffix.length())))) {
          strays.add(p);
        }
      }
    }
    for (Path stray : strays) {
      LOG.log(Level.DEBUG, "removing leftover {0}", stray);
      io.deleteIfExists(stray);
    }
    List<Segment> segments = new ArrayList<>();
    for (long base : bases) {
      IndexedSegment s = files.open(io, dir, base, options, open::remove);
      if (base != bases.last()) {
        s.markSealed(); // only the last segment takes appends
      }
      open.add(s);
      segments.add(s);
    }
    return segments;
  }

  private static boolean isBaseOffset(String name, String suffix) {
    String digits = name.substring(0, name.length() - suffix.length());
    if (digits.length() != 20) {
      return false;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Segment createSegment(long baseOffset) throws IOException {
    IndexedSegment s = files.create(io, dir, baseOffset, options, open::remove);
    open.add(s); // its directory is synced at its first flush (see IndexedSegment)
    return s;
  }

  @Override
  public Optional<PartitionCheckpoint> readCheckpoint() throws IOException {
    Path file = dir.resolve(CHECKPOINT_FILE);
    if (!io.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(CheckpointFormat.decode(io.readAllBytes(file), file.toString()));
  }

  @Override
  public void writeCheckpoint(PartitionCheckpoint checkpoint) throws IOException {
    io.writeAtomically(dir.resolve(CHECKPOINT_FILE), CheckpointFormat.encode(checkpoint));
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (IndexedSegment s : open) {
      try {
        s.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    open.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
