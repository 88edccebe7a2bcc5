package io.samsa.examples.journal;

import io.samsa.TopicPartition;
import io.samsa.spi.FileIO;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.TopicMetadata;
import io.samsa.spi.TopicStore;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * All topics in one properties file, {@code journal/topics.properties}, replaced atomically: it is
 * the commit point of every topic change. A topic's partitions are {@code journal/<topic>/<n>/};
 * they are made before the file names them and removed after it stops naming them.
 */
final class JournalTopicStore implements TopicStore {
  private final Path root;
  private final FileIO io;
  private final Map<String, TopicMetadata> topics = new TreeMap<>();

  JournalTopicStore(Path root, FileIO io) throws IOException {
    this.root = root;
    this.io = io;
    if (!io.isDirectory(root)) {
      io.createDirectories(root);
      io.syncDirectory(root.getParent()); // a new name is durable once its directory is synced
    }
    Path file = root.resolve("topics.properties");
    if (io.exists(file)) {
      Properties p = new Properties();
      p.load(new StringReader(new String(io.readAllBytes(file), StandardCharsets.UTF_8)));
      for (String key : p.stringPropertyNames()) {
        if (key.endsWith(".partitions")) {
          String name = key.substring(0, key.length() - ".partitions".length());
          Map<String, String> config = new TreeMap<>();
          for (String k : p.stringPropertyNames()) {
            if (k.startsWith(name + ".config.")) {
              config.put(k.substring(name.length() + 8), p.getProperty(k));
            }
          }
          topics.put(name, new TopicMetadata(name, Integer.parseInt(p.getProperty(key)), config));
        }
      }
    }
  }

  @Override
  public synchronized List<TopicMetadata> topics() {
    return new ArrayList<>(topics.values());
  }

  @Override
  public synchronized void createTopic(TopicMetadata topic) throws IOException {
    io.deleteRecursively(root.resolve(topic.name())); // a leftover of an interrupted deletion
    updateTopic(topic);
  }

  @Override
  public synchronized void updateTopic(TopicMetadata topic) throws IOException {
    Path topicDir = root.resolve(topic.name());
    for (int p = 0; p < topic.partitionCount(); p++) {
      io.createDirectories(topicDir.resolve(Integer.toString(p)));
    }
    io.syncDirectory(topicDir); // the partitions' names
    io.syncDirectory(root); // the topic's
    Map<String, TopicMetadata> next = new TreeMap<>(topics);
    next.put(topic.name(), topic);
    commit(next);
  }

  @Override
  public synchronized void deleteTopic(String name) throws IOException {
    Map<String, TopicMetadata> next = new TreeMap<>(topics);
    next.remove(name);
    commit(next);
    io.deleteRecursively(root.resolve(name));
  }

  private void commit(Map<String, TopicMetadata> next) throws IOException {
    StringBuilder s = new StringBuilder();
    for (TopicMetadata t : next.values()) {
      s.append(t.name()).append(".partitions=").append(t.partitionCount()).append('\n');
      for (Map.Entry<String, String> e : new TreeMap<>(t.config()).entrySet()) {
        s.append(t.name()).append(".config.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
      }
    }
    io.writeAtomically(root.resolve("topics.properties"), s.toString().getBytes(StandardCharsets.UTF_8));
    topics.clear();
    topics.putAll(next);
  }

  @Override
  public PartitionStore openPartition(TopicPartition partition, SegmentOptions options) {
    Path dir = root.resolve(partition.topic()).resolve(Integer.toString(partition.partition()));
    return new JournalPartition(partition, dir, io);
  }

  @Override
  public void close() {
    // nothing is held
  }
}
