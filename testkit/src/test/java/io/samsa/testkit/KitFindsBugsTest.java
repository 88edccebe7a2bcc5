package io.samsa.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.TopicPartition;
import io.samsa.spi.BatchSlice;
import io.samsa.spi.PartitionCheckpoint;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.Segment;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicMetadata;
import io.samsa.spi.TopicStore;
import io.samsa.spi.format.RecordBatchDescriptor;
import io.samsa.testkit.memory.MemoryStorageProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit is itself tested: a backend with a planted bug must fail the property, and the failure
 * must shrink to a short sequence of steps.
 */
class KitFindsBugsTest {
  @TempDir Path tmp;

  /** A planted bug: what a wrapped partition store does wrong. */
  enum Bug {
    /** Reopening a partition loses its last batch. */
    LOSES_LAST_BATCH_ON_REOPEN,
    /** Segments report a largest timestamp far in the future, so time retention never deletes. */
    LIES_ABOUT_MAX_TIMESTAMP
  }

  /** The reference backend with a planted bug. */
  static final class BuggyProvider implements StorageProvider {
    private final MemoryStorageProvider memory = new MemoryStorageProvider();
    private final Bug bug;

    BuggyProvider(Bug bug) {
      this.bug = bug;
    }

    @Override
    public String name() {
      return "buggy";
    }

    @Override
    public TopicStore open(StorageContext context) throws IOException {
      TopicStore store = memory.open(context);
      return new TopicStore() {
        @Override
        public List<TopicMetadata> topics() throws IOException {
          return store.topics();
        }

        @Override
        public void createTopic(TopicMetadata topic) throws IOException {
          store.createTopic(topic);
        }

        @Override
        public void updateTopic(TopicMetadata topic) throws IOException {
          store.updateTopic(topic);
        }

        @Override
        public void deleteTopic(String name) throws IOException {
          store.deleteTopic(name);
        }

        @Override
        public PartitionStore openPartition(TopicPartition partition, SegmentOptions options)
            throws IOException {
          return buggy(store.openPartition(partition, options));
        }

        @Override
        public void close() throws IOException {
          store.close();
        }
      };
    }

    private PartitionStore buggy(PartitionStore p) {
      return new PartitionStore() {
        @Override
        public TopicPartition partition() {
          return p.partition();
        }

        @Override
        public List<Segment> loadSegments() throws IOException {
          List<Segment> segments = p.loadSegments();
          if (bug == Bug.LIES_ABOUT_MAX_TIMESTAMP) {
            return segments.stream().map(KitFindsBugsTest::liar).toList();
          }
          if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            long lastBase = -1;
            for (long offset = last.baseOffset(); offset < last.nextOffset(); ) {
              BatchSlice slice = last.read(offset, Long.MAX_VALUE, 0);
              ByteBuffer b = ByteBuffer.allocate(slice.sizeInBytes());
              slice.readFully(b);
              lastBase = RecordBatchDescriptor.baseOffset(b, 0);
              offset = RecordBatchDescriptor.lastOffset(b, 0) + 1;
            }
            if (lastBase >= 0) {
              last.truncateTo(lastBase); // the planted bug
            }
          }
          return segments;
        }

        @Override
        public Segment createSegment(long baseOffset) throws IOException {
          Segment s = p.createSegment(baseOffset);
          return bug == Bug.LIES_ABOUT_MAX_TIMESTAMP ? liar(s) : s;
        }

        @Override
        public Optional<PartitionCheckpoint> readCheckpoint() throws IOException {
          return p.readCheckpoint();
        }

        @Override
        public void writeCheckpoint(PartitionCheckpoint checkpoint) throws IOException {
          p.writeCheckpoint(checkpoint);
        }

        @Override
        public void close() throws IOException {
          p.close();
        }
      };
    }
  }

  /** A segment that reports a largest timestamp far in the future. */
  private static Segment liar(Segment s) {
    return (Segment) java.lang.reflect.Proxy.newProxyInstance(Segment.class.getClassLoader(),
        new Class<?>[] {Segment.class}, (proxy, method, args) -> {
          if (method.getName().equals("maxTimestamp")) {
            return Long.MAX_VALUE / 4;
          }
          try {
            return method.invoke(s, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  static final class BuggyConformance extends StorageConformanceTest {
    private final Bug bug;

    BuggyConformance(Path tmp, Bug bug) {
      this.tmp = tmp;
      this.bug = bug;
    }

    @Override
    protected StorageProvider createProvider() {
      return new BuggyProvider(bug);
    }

    @Override
    protected CrashSimulator crashSimulator(StorageProvider provider) {
      return ((BuggyProvider) provider).memory.crashSimulator();
    }
  }

  @ParameterizedTest
  @EnumSource(Bug.class)
  void aBuggyBackend_failsTheProperty_withAShortSequence(Bug bug) {
    AssertionError e = assertThrows(AssertionError.class,
        () -> new BuggyConformance(tmp, bug).randomOperations_matchTheModel(entries -> { }));
    String message = e.getMessage();
    assertTrue(message.contains("Minimal failing Scenario"), message);
    Matcher m = Pattern.compile("Minimal failing Scenario .*? with (\\d+) action\\(s\\)").matcher(message);
    assertTrue(m.find(), message);
    int steps = Integer.parseInt(m.group(1));
    assertTrue(steps <= 3, bug + " should shrink to a few steps, not " + steps + ":\n" + message);
    assertTrue(message.contains("Seed was"), "the seed is reported so the run can be replayed");
  }
}
