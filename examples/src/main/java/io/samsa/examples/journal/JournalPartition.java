package io.samsa.examples.journal;

import io.samsa.TopicPartition;
import io.samsa.spi.FileIO;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.format.CheckpointFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A partition directory: {@code <base>.journal} segment files and a {@code checkpoint} file. */
final class JournalPartition implements PartitionStore {
  private final TopicPartition partition;
  private final Path dir;
  private final FileIO io;
  private final List<JournalSegment> open = new ArrayList<>();

  JournalPartition(TopicPartition partition, Path dir, FileIO io) {
    this.partition = partition;
    this.dir = dir;
    this.io = io;
  }

  @Override
  public TopicPartition partition() {
    return partition;
  }

  @Override
  public synchronized List<Segment> loadSegments() throws IOException {
    List<Segment> segments = new ArrayList<>();
    for (Path p : io.list(dir)) { // sorted by name, and names are zero-padded base offsets
      String name = p.getFileName().toString();
      if (name.endsWith(".journal")) {
        JournalSegment s = JournalSegment.open(io, p, Long.parseLong(name.substring(0, 20)));
        open.add(s);
        segments.add(s);
      }
    }
    return segments;
  }

  @Override
  public synchronized Segment createSegment(long baseOffset) throws IOException {
    JournalSegment s = JournalSegment.create(io, dir.resolve(String.format("%020d.journal", baseOffset)),
        baseOffset);
    io.syncDirectory(dir);
    open.add(s);
    return s;
  }

  @Override
  public Optional<PartitionCheckpoint> readCheckpoint() throws IOException {
    Path file = dir.resolve("checkpoint");
    return io.exists(file)
        ? Optional.of(CheckpointFormat.decode(io.readAllBytes(file), file.toString()))
        : Optional.empty();
  }

  @Override
  public void writeCheckpoint(PartitionCheckpoint checkpoint) throws IOException {
    io.writeAtomically(dir.resolve("checkpoint"), CheckpointFormat.encode(checkpoint));
  }

  @Override
  public synchronized void close() throws IOException {
    for (JournalSegment s : open) {
      s.close();
    }
    open.clear();
  }
}
