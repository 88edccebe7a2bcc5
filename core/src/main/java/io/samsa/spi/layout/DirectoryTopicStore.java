package io.samsa.spi.layout;

import io.samsa.TopicPartition;
import io.samsa.spi.FileIO;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.TopicMetadata;
import io.samsa.spi.TopicStore;
import java.io.IOException;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;

/**
 * The topics of a file store: one directory per partition at the root, and the topic's metadata
 * in its partition 0 directory (a file name short enough for a topic name of 249 characters).
 *
 * <pre>
 *  &lt;root&gt;/&lt;topic&gt;-0/topic.metadata     name, partition count, config, CRC-32C line
 *  &lt;root&gt;/&lt;topic&gt;-&lt;partition&gt;/          see {@link DirectoryPartitionStore}
 * </pre>
 *
 * <p>The metadata file is the commit point of every topic change, written atomically: creating
 * or growing a topic makes the partition directories first and then writes it; deleting removes
 * it first, then renames the partition directories to {@code <dir>.<uuid>-delete} and removes
 * them. Directories left by an interrupted change are never taken for data: leftover {@code
 * -delete} directories are removed at open, and a directory of a partition the metadata does not
 * list is wiped before a topic reuses its name.
 */
public final class DirectoryTopicStore implements TopicStore {
  private static final System.Logger LOG = System.getLogger(DirectoryTopicStore.class.getName());
  /** The file in a topic's partition 0 directory that holds its metadata. */
  public static final String METADATA_FILE = "topic.metadata";

  /** The file in each partition directory that holds its checkpoint. */
  public static final String CHECKPOINT_FILE = "partition.checkpoint";

  private final Path root;
  private final FileIO io;
  private final SegmentFiles files;
  private final ConcurrentSkipListMap<String, TopicMetadata> topics = new ConcurrentSkipListMap<>();

  private DirectoryTopicStore(Path root, FileIO io, SegmentFiles files) {
    this.root = root;
    this.io = io;
    this.files = files;
  }

  /**
   * Opens the topics under {@code root}, whose segments {@code files} makes.
   *
   * @throws IOException if a topic's metadata cannot be read (its message names the file)
   */
  public static DirectoryTopicStore open(Path root, FileIO io, SegmentFiles files) throws IOException {
    DirectoryTopicStore store = new DirectoryTopicStore(root, io, files);
    store.load();
    return store;
  }

  private void load() throws IOException {
    List<Path> dirs = io.list(root);
    for (Path p : dirs) {
      String name = p.getFileName().toString();
      if (io.isDirectory(p) && name.endsWith("-0") && isPartitionDir(name)) {
        Path meta = p.resolve(METADATA_FILE);
        io.deleteIfExists(p.resolve(METADATA_FILE + ".tmp"));
        if (io.exists(meta)) {
          TopicMetadata topic = parse(meta, io.readAllBytes(meta));
          topics.put(topic.name(), topic);
        }
      }
    }
    for (Path p : dirs) {
      String name = p.getFileName().toString();
      if (io.isDirectory(p) && name.endsWith("-delete")) {
        LOG.log(Level.DEBUG, "removing {0}, left by an interrupted topic deletion", p);
        io.deleteRecursively(p);
      } else if (io.isDirectory(p) && isPartitionDir(name) && !listed(name)) {
        LOG.log(Level.WARNING, "{0} belongs to no topic (left by an interrupted change); "
            + "it is ignored, and wiped if a topic takes its name", p);
      }
    }
  }

  private boolean listed(String dirName) {
    int dash = dirName.lastIndexOf('-');
    TopicMetadata meta = topics.get(dirName.substring(0, dash));
    return meta != null && Integer.parseInt(dirName.substring(dash + 1)) < meta.partitionCount();
  }

  private static boolean isPartitionDir(String name) {
    int dash = name.lastIndexOf('-');
    if (dash <= 0 || dash == name.length() - 1 || name.length() - dash > 11) {
      return false;
    }
    for (int i = dash + 1; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<TopicMetadata> topics() {
    return new ArrayList<>(topics.values());
  }

  @Override
  public void createTopic(TopicMetadata topic) throws IOException {
    makePartitionDirs(topic.name(), 0, topic.partitionCount());
    commit(topic);
  }

  @Override
  public void updateTopic(TopicMetadata topic) throws IOException {
    TopicMetadata old = topics.get(topic.name());
    int from = old == null ? 0 : old.partitionCount();
    makePartitionDirs(topic.name(), from, topic.partitionCount());
    commit(topic);
  }

  private void makePartitionDirs(String topic, int from, int to) throws IOException {
    for (int p = from; p < to; p++) {
      Path dir = partitionDir(topic, p);
      io.deleteRecursively(dir); // a leftover of an interrupted change, never live data
      io.createDirectories(dir);
    }
    io.syncDirectory(root);
  }

  private void commit(TopicMetadata topic) throws IOException {
    io.writeAtomically(metadataFile(topic.name()), format(topic)); // commit point
    topics.put(topic.name(), topic);
  }

  @Override
  public void deleteTopic(String name) throws IOException {
    TopicMetadata meta = topics.get(name);
    io.deleteIfExists(metadataFile(name)); // commit point
    io.syncDirectory(partitionDir(name, 0));
    topics.remove(name);
    if (meta == null) {
      return;
    }
    List<Path> doomed = new ArrayList<>();
    for (int p = 0; p < meta.partitionCount(); p++) {
      Path dir = partitionDir(name, p);
      if (io.exists(dir)) {
        Path renamed = root.resolve(dir.getFileName() + "." + UUID.randomUUID().toString().replace("-", "")
            + "-delete");
        io.move(dir, renamed);
        doomed.add(renamed);
      }
    }
    io.syncDirectory(root);
    for (Path dir : doomed) {
      io.deleteRecursively(dir);
    }
  }

  @Override
  public PartitionStore openPartition(TopicPartition partition, SegmentOptions options) throws IOException {
    Path dir = partitionDir(partition.topic(), partition.partition());
    if (!io.isDirectory(dir)) {
      throw new IOException("partition directory is missing: " + dir);
    }
    return new DirectoryPartitionStore(partition, dir, io, options, files);
  }

  @Override
  public void maintain() throws IOException {
    files.maintain();
  }

  @Override
  public void close() {
    // Nothing is held open at this level.
  }

  Path partitionDir(String topic, int partition) {
    return root.resolve(topic + "-" + partition);
  }

  private Path metadataFile(String topic) {
    return partitionDir(topic, 0).resolve(METADATA_FILE);
  }

  // ---------------------------------------------------------------------------------------------
  // The metadata file

  static byte[] format(TopicMetadata topic) {
    StringBuilder s = new StringBuilder("# Samsa topic metadata\n");
    s.append("name=").append(topic.name()).append('\n');
    s.append("partitions=").append(topic.partitionCount()).append('\n');
    for (Map.Entry<String, String> e : new TreeMap<>(topic.config()).entrySet()) {
      s.append("config.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    byte[] body = s.toString().getBytes(StandardCharsets.UTF_8);
    String crc = "crc32c=" + Long.toHexString(crc(body, body.length)) + "\n";
    byte[] out = new byte[body.length + crc.length()];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(crc.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, crc.length());
    return out;
  }

  static TopicMetadata parse(Path file, byte[] bytes) throws IOException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int crcAt = text.lastIndexOf("crc32c=");
    if (crcAt < 0 || !text.endsWith("\n")) {
      throw new IOException("corrupt topic metadata: file=" + file + ", reason=no checksum line");
    }
    String stored = text.substring(crcAt + 7, text.length() - 1);
    int bodyLength = text.substring(0, crcAt).getBytes(StandardCharsets.UTF_8).length;
    String computed = Long.toHexString(crc(bytes, bodyLength));
    if (!stored.equals(computed)) {
      throw new IOException("corrupt topic metadata: file=" + file + ", reason=CRC-32C mismatch (stored="
          + stored + ", computed=" + computed + ")");
    }
    Properties p = new Properties();
    p.load(new StringReader(text.substring(0, crcAt)));
    String name = p.getProperty("name");
    String dirName = file.getParent().getFileName().toString();
    if (name == null || !dirName.equals(name + "-0")) {
      throw new IOException("corrupt topic metadata: file=" + file + ", reason=name " + name
          + " does not match the directory name");
    }
    int partitions;
    try {
      partitions = Integer.parseInt(p.getProperty("partitions", ""));
    } catch (NumberFormatException e) {
      throw new IOException("corrupt topic metadata: file=" + file + ", reason=bad partition count");
    }
    if (partitions < 1) {
      throw new IOException("corrupt topic metadata: file=" + file + ", reason=partition count " + partitions);
    }
    Map<String, String> config = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("config.")) {
        config.put(key.substring(7), p.getProperty(key));
      }
    }
    return new TopicMetadata(name, partitions, config);
  }

  private static long crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return crc.getValue();
  }
}
