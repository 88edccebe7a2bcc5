package io.samsa.storage.rocksdb;

import io.samsa.TopicPartition;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.TopicMetadata;
import io.samsa.spi.TopicStore;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LogFile;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB database for a whole store, under {@code <store>/rocksdb}, with three column
 * families: {@code batches}, {@code timeindex} and {@code meta} (see {@link Keys}).
 *
 * <h2>Durability</h2>
 * Every write goes to the write-ahead log. Batches are written without sync (a process crash
 * loses nothing; a machine crash loses what was not synced), unless the topic forces every append,
 * in which case they are written with sync. {@link #syncWal()} (a segment's flush) syncs the log.
 * Topic changes and checkpoints are written with sync: they are durable when the call returns.
 * Recovery is RocksDB's own: the log is replayed to its last whole record
 * ({@code kPointInTimeRecovery}); the core then checks every batch's CRC above its recovery point.
 * Closing flushes every column family to SST files first, so that after a clean shutdown nothing
 * is replayed: a damaged byte at rest is then a checksum error on read, not a log silently
 * replayed only up to the damage.
 *
 * <h2>A failed write</h2>
 * RocksDB refuses every write after one that failed (a full disk, a file size limit: its
 * "background error"), until the database is reopened; RocksJava has no {@code Resume}. So a
 * failed write marks the database broken, and the next call reopens it in place first: the
 * write-ahead log is replayed to its last whole record (the failed write is not in it, or is
 * torn and dropped), which is exactly the state before the failed write. Every call holds a read
 * lock ({@link #enter}) for as long as it uses native handles; the reopen takes the write lock, so
 * no call ever touches a closed handle. Reads work in RocksDB's error state and never wait for a
 * reopen; a write does. If the reopen fails too (the disk is still full), the call fails with that
 * error, and the next write tries again. A reopen, like any open, flushes what it replayed into an
 * SST file: RocksDB needs free space about the size of its write-ahead log to recover.
 *
 * <h2>Native objects</h2>
 * The database, its column family handles and its options live as long as the store; they are
 * closed in order (handles, database, then options) when it closes, after the core has closed
 * every partition. Iterators, read options and slices never outlive the call that made them.
 *
 * <p>Compression is off: batches are Kafka's uncompressed record batches, stored as they are.
 */
final class RocksDbTopicStore implements TopicStore {
  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private volatile List<ColumnFamilyHandle> handles;
  volatile RocksDB db;
  volatile ColumnFamilyHandle batches;
  volatile ColumnFamilyHandle timeIndex;
  volatile ColumnFamilyHandle meta;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** A write failed: RocksDB refuses more until reopened. */
  private volatile boolean broken;
  /** The handles above are open (false only while a reopen failed). */
  private boolean dbOpen = true; // guarded by the write lock
  final WriteOptions plain = new WriteOptions();
  final WriteOptions synced = new WriteOptions().setSync(true);
  private final AtomicBoolean unsynced = new AtomicBoolean();
  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private volatile Map<String, Long> syncedWal = Map.of();
  private final Runnable onClose;
  private static final System.Logger LOG = System.getLogger(RocksDbTopicStore.class.getName());

  private RocksDbTopicStore(Path dir, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
      RocksDB db, List<ColumnFamilyHandle> handles, Runnable onClose) {
    this.dir = dir;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.onClose = onClose;
    use(db, handles);
  }

  private void use(RocksDB db, List<ColumnFamilyHandle> handles) {
    this.db = db;
    this.handles = handles;
    this.batches = handles.get(1);
    this.timeIndex = handles.get(2);
    this.meta = handles.get(3);
  }

  static RocksDbTopicStore open(Path dir, Runnable onClose) throws IOException {
    NativeLibrary.load();
    Files.createDirectories(dir);
    DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.NO_COMPRESSION);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = openDb(dir, dbOptions, cfOptions, handles);
    } catch (RocksDBException e) {
      cfOptions.close();
      dbOptions.close();
      throw new IOException("cannot open RocksDB: dir=" + dir + ", error=" + e.getMessage(), e);
    }
    RocksDbTopicStore store = new RocksDbTopicStore(dir, dbOptions, cfOptions, db, handles, onClose);
    try {
      store.loadTopics();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private static RocksDB openDb(Path dir, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
      List<ColumnFamilyHandle> handles) throws RocksDBException {
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor("batches".getBytes(StandardCharsets.UTF_8), cfOptions),
        new ColumnFamilyDescriptor("timeindex".getBytes(StandardCharsets.UTF_8), cfOptions),
        new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8), cfOptions));
    return RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
  }

  Path directory() {
    return dir;
  }

  /** Held for as long as a call uses the database's native handles. */
  interface Guard extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Enters a call that only reads the database. Reads work in RocksDB's error state too, so they
   * never wait for a reopen.
   */
  Guard enter() throws IOException {
    return enter(false);
  }

  /**
   * Enters a call that writes: reopens the database first if a write failed (only at the
   * outermost call of a thread, which holds no read lock to wait on itself).
   *
   * @throws IOException if the database is broken and cannot be reopened yet
   */
  Guard enterToWrite() throws IOException {
    return enter(true);
  }

  private Guard enter(boolean write) throws IOException {
    if (write && broken && lock.getReadHoldCount() == 0) {
      reopen();
    }
    lock.readLock().lock();
    if (!dbOpen) {
      lock.readLock().unlock();
      throw new IOException("RocksDB is not open after a failed write; the next call retries: dir=" + dir);
    }
    return lock.readLock()::unlock;
  }

  private void reopen() throws IOException {
    lock.writeLock().lock();
    try {
      if (!broken) {
        return;
      }
      closeDb();
      List<ColumnFamilyHandle> fresh = new ArrayList<>();
      try {
        RocksDB reopened = openDb(dir, dbOptions, cfOptions, fresh);
        use(reopened, fresh);
        dbOpen = true;
        broken = false;
        unsynced.set(false);
        synced();
        LOG.log(System.Logger.Level.INFO, "reopened RocksDB after a failed write: dir={0}", dir);
      } catch (RocksDBException e) {
        throw io("reopen after a failed write", e);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Closes the handles and the database, if open; a failure here is one already reported. */
  private void closeDb() {
    if (!dbOpen) {
      return;
    }
    dbOpen = false;
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    try {
      db.closeE();
    } catch (RocksDBException e) {
      LOG.log(System.Logger.Level.WARNING, "closing RocksDB after a failed write: dir=" + dir, e);
    }
  }

  /** Notes a failed write: RocksDB takes no more until reopened. */
  private RocksDBException failed(RocksDBException e) {
    broken = true;
    return e;
  }

  private void loadTopics() throws IOException {
    try (Slice lower = new Slice(Keys.topicsStart()); Slice upper = new Slice(Keys.topicsEnd());
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(meta, ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        TopicMetadata t = parse(Keys.topicOf(it.key()), it.value());
        topics.put(t.name(), t);
      }
      it.status();
    } catch (RocksDBException e) {
      throw io("load topics", e);
    }
  }

  @Override
  public synchronized List<TopicMetadata> topics() {
    return new ArrayList<>(topics.values());
  }

  @Override
  public synchronized void createTopic(TopicMetadata topic) throws IOException {
    writeTopic(topic, 0);
  }

  @Override
  public synchronized void updateTopic(TopicMetadata topic) throws IOException {
    TopicMetadata old = topics.get(topic.name());
    writeTopic(topic, old == null ? 0 : old.partitionCount());
  }

  /** Allocates ids for the new partitions and stores the metadata, in one synced write. */
  private void writeTopic(TopicMetadata topic, int existingPartitions) throws IOException {
    try (Guard g = enterToWrite(); WriteBatch wb = new WriteBatch()) {
      long next = nextPartitionId();
      for (int p = existingPartitions; p < topic.partitionCount(); p++) {
        wb.put(meta, Keys.partition(topic.name(), p), Keys.longValue(next++));
      }
      wb.put(meta, Keys.NEXT_PARTITION_ID, Keys.longValue(next));
      wb.put(meta, Keys.topic(topic.name()), format(topic)); // atomic with the ids: the commit point
      write(wb, true);
      topics.put(topic.name(), topic);
    } catch (RocksDBException e) {
      throw io("write topic " + topic.name(), e);
    }
  }

  private long nextPartitionId() throws RocksDBException {
    byte[] v = db.get(meta, Keys.NEXT_PARTITION_ID);
    return v == null ? 1 : Keys.longOf(v);
  }

  @Override
  public synchronized void deleteTopic(String name) throws IOException {
    TopicMetadata topic = topics.get(name);
    if (topic == null) {
      return;
    }
    try (Guard g = enterToWrite(); WriteBatch wb = new WriteBatch()) {
      for (int p = 0; p < topic.partitionCount(); p++) {
        long id = partitionId(new TopicPartition(name, p));
        wb.deleteRange(batches, Keys.batch(id, 0), Keys.batchesEnd(id));
        wb.deleteRange(timeIndex, Keys.timeStart(id, 0), Keys.timeStart(id + 1, 0));
        wb.deleteRange(meta, Keys.segmentsStart(id), Keys.segmentsEnd(id));
        wb.delete(meta, Keys.checkpoint(id));
        wb.delete(meta, Keys.partition(name, p));
      }
      wb.delete(meta, Keys.topic(name));
      write(wb, true);
      topics.remove(name);
    } catch (RocksDBException e) {
      throw io("delete topic " + name, e);
    }
  }

  long partitionId(TopicPartition tp) throws IOException {
    try (Guard g = enter()) {
      byte[] v = db.get(meta, Keys.partition(tp.topic(), tp.partition()));
      if (v == null) {
        throw new IOException("no partition id stored for " + tp);
      }
      return Keys.longOf(v);
    } catch (RocksDBException e) {
      throw io("look up " + tp, e);
    }
  }

  @Override
  public PartitionStore openPartition(TopicPartition partition, SegmentOptions options) throws IOException {
    return new RocksDbPartitionStore(this, partition, partitionId(partition), options);
  }

  /** Writes a batch of changes; with sync when {@code sync}, else only to the log. */
  void write(WriteBatch wb, boolean sync) throws RocksDBException {
    try {
      if (sync) {
        db.write(synced, wb);
        synced();
      } else {
        db.write(plain, wb);
        unsynced.set(true);
      }
    } catch (RocksDBException e) {
      throw failed(e);
    }
  }

  /** Writes one value with sync. */
  void putSynced(ColumnFamilyHandle cf, byte[] key, byte[] value) throws RocksDBException {
    try {
      db.put(cf, synced, key, value);
      synced();
    } catch (RocksDBException e) {
      throw failed(e);
    }
  }

  /** Syncs the write-ahead log, if anything was written without sync since the last time. */
  void syncWal() throws IOException {
    if (unsynced.getAndSet(false)) {
      try (Guard g = enterToWrite()) {
        db.flushWal(true);
        synced();
      } catch (RocksDBException e) {
        unsynced.set(true);
        throw io("sync the write-ahead log", failed(e));
      } catch (IOException e) {
        unsynced.set(true);
        throw e;
      }
    }
  }

  /** Notes the log's length after a sync: everything up to it survives a power cut. */
  private void synced() throws RocksDBException {
    Map<String, Long> sizes = new HashMap<>();
    for (LogFile f : db.getSortedWalFiles()) {
      sizes.put(Path.of(f.pathName()).getFileName().toString(), f.sizeFileBytes());
    }
    syncedWal = Map.copyOf(sizes);
  }

  /** The write-ahead log files and their lengths at the last sync (for crash simulation). */
  Map<String, Long> syncedWalSizes() {
    return syncedWal;
  }

  @Override
  public void close() throws IOException {
    RocksDBException failure = null;
    IOException notReopened = null;
    if (broken) {
      try {
        reopen(); // a clean close needs a database that takes writes
      } catch (IOException e) {
        notReopened = e;
      }
    }
    lock.writeLock().lock();
    if (!dbOpen) {
      try {
        plain.close();
        synced.close();
        cfOptions.close();
        dbOptions.close();
        onClose.run();
      } finally {
        lock.writeLock().unlock();
      }
      throw notReopened != null ? notReopened : new IOException("RocksDB was not open at close: dir=" + dir);
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      // A clean close leaves no data in the write-ahead log, only in SST files, whose blocks carry
      // checksums that every read verifies. Replaying a log at the next open would, at a damaged
      // record, silently drop everything after it (point-in-time recovery): fine for a torn tail
      // after a crash, a silent loss of flushed data after a clean shutdown.
      db.flush(flush, handles);
    } catch (RocksDBException e) {
      failure = e; // not clean: the next open replays the log
    }
    try {
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      db.closeE();
    } catch (RocksDBException e) {
      failure = failure == null ? e : failure;
    } finally {
      dbOpen = false;
      plain.close();
      synced.close();
      cfOptions.close();
      dbOptions.close();
      onClose.run();
      lock.writeLock().unlock();
    }
    if (failure != null) {
      throw io("close", failure);
    }
  }

  IOException io(String what, RocksDBException e) {
    return new IOException("RocksDB failed to " + what + ": dir=" + dir + ", status="
        + (e.getStatus() == null ? "?" : e.getStatus().getCodeString()) + ", error=" + e.getMessage(), e);
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] format(TopicMetadata topic) {
    StringBuilder s = new StringBuilder();
    s.append("name=").append(topic.name()).append('\n');
    s.append("partitions=").append(topic.partitionCount()).append('\n');
    for (Map.Entry<String, String> e : new TreeMap<>(topic.config()).entrySet()) {
      s.append("config.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static TopicMetadata parse(String name, byte[] value) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(new String(value, StandardCharsets.UTF_8)));
    try {
      int partitions = Integer.parseInt(p.getProperty("partitions", ""));
      Map<String, String> config = new TreeMap<>();
      for (String key : p.stringPropertyNames()) {
        if (key.startsWith("config.")) {
          config.put(key.substring(7), p.getProperty(key));
        }
      }
      return new TopicMetadata(name, partitions, config);
    } catch (RuntimeException e) {
      throw new IOException("corrupt topic metadata in RocksDB: topic=" + name + ", error=" + e, e);
    }
  }
}
