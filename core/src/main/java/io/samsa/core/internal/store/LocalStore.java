package io.samsa.core.internal.store;

import io.samsa.InvalidPartitionsException;
import io.samsa.Log;
import io.samsa.LogStore;
import io.samsa.RecoveryReport;
import io.samsa.RecoveryReport.PartitionRecovery;
import io.samsa.SamsaException;
import io.samsa.StorageException;
import io.samsa.StoreClosedException;
import io.samsa.Topic;
import io.samsa.TopicConfig;
import io.samsa.TopicDescription;
import io.samsa.TopicExistsException;
import io.samsa.TopicPartition;
import io.samsa.UnknownTopicOrPartitionException;
import io.samsa.core.Scheduler;
import io.samsa.core.internal.log.BufferPool;
import io.samsa.core.internal.log.PartitionLog;
import io.samsa.spi.PartitionStore;
import io.samsa.spi.SegmentOptions;
import io.samsa.core.internal.io.BoundedFileIO;
import io.samsa.spi.StorageContext;
import io.samsa.spi.TopicMetadata;
import io.samsa.spi.TopicStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LogStore} over one backend's {@link TopicStore}.
 *
 * <p>Topic changes are serialized by one lock; partition logs are independent of each other and
 * of it. Background work (time-based flushes, checkpoints, retention) runs from one periodic task
 * on the {@link Scheduler}; a roll's flush is its own task.
 */
public final class LocalStore implements LogStore {
  private static final System.Logger LOG = System.getLogger(LocalStore.class.getName());
  private static final Duration MAX_TICK = Duration.ofSeconds(1);
  /** Threads that close partitions at least; see {@link #closeLogs}. */
  private static final int CLOSE_THREADS = 4;

  private final StoreSettings settings;
  private final Path directory;
  private final StoreDirectory root;
  private final TopicStore topicStore;
  private final BoundedFileIO files;
  private final ConcurrentHashMap<String, TopicState> topics = new ConcurrentHashMap<>();
  private final ReentrantLock adminLock = new ReentrantLock();
  private final BufferPool buffers = new BufferPool(16);
  private final ScheduledExecutorService ownExecutor;
  private final Scheduler scheduler;
  private final PartitionLog.BackgroundWork background;
  private final Object maintenance = new Object();
  private volatile boolean closed;
  private final Object tickLock = new Object();
  private Future<?> tick; // guarded by tickLock
  private long tickGeneration; // guarded by tickLock
  private RecoveryReport recoveryReport;
  private long lastCheckpointMs;
  private long lastRetentionMs;
  private boolean backendMaintenanceFailed; // guarded by maintenance

  /** A topic's live state. Partitions only grow. */
  static final class TopicState {
    final String name;
    final TopicConfig config;
    volatile PartitionLog[] partitions;
    final java.util.concurrent.atomic.AtomicInteger nextKeyless =
        new java.util.concurrent.atomic.AtomicInteger();

    TopicState(String name, TopicConfig config, PartitionLog[] partitions) {
      this.name = name;
      this.config = config;
      this.partitions = partitions;
    }

    TopicDescription describe() {
      return new TopicDescription(name, partitions.length, config);
    }
  }

  private LocalStore(StoreSettings settings, StoreDirectory root, TopicStore topicStore,
      BoundedFileIO files) {
    this.settings = settings;
    this.directory = settings.directory();
    this.root = root;
    this.topicStore = topicStore;
    this.files = files;
    if (settings.scheduler() == null) {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "samsa-background-" + directory.getFileName());
        t.setDaemon(true);
        return t;
      });
      // Closing must not wait for the next tick.
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      executor.setRemoveOnCancelPolicy(true);
      ownExecutor = executor;
      scheduler = (task, delay) -> ownExecutor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } else {
      ownExecutor = null;
      scheduler = settings.scheduler();
    }
    background = task -> {
      if (!closed) {
        scheduler.schedule(task, Duration.ZERO);
      }
    };
  }

  /** Locks the directory, opens the backend and every partition (recovering if needed). */
  public static LogStore open(StoreSettings settings) {
    StoreDirectory root;
    try {
      root = StoreDirectory.lock(settings.directory(), settings.fileIO());
    } catch (IOException e) {
      throw new StorageException("cannot open store: directory=" + settings.directory() + ", error=" + e, e);
    }
    TopicStore topicStore = null;
    LocalStore store = null;
    // The store directory's own files (the lock above) stay outside the bound: a lock must keep
    // its descriptor.
    BoundedFileIO files = new BoundedFileIO(settings.fileIO(), settings.maxOpenFiles());
    try {
      boolean created = root.checkBackend(settings.provider().name());
      Optional<Map<TopicPartition, Long>> marker = root.readCleanShutdownMarker();
      boolean clean = marker.isPresent() || created;
      topicStore = settings.provider().open(new StorageContext(settings.directory(), files,
          settings.backendOptions(), settings.clock()));
      store = new LocalStore(settings, root, topicStore, files);
      store.loadTopics(clean);
      if (marker.isPresent()) {
        store.checkLogEnds(marker.get());
      }
      // From here on a crash is an unclean shutdown. A store refused above keeps its marker, so
      // that it is refused again rather than opened without the check.
      root.deleteCleanShutdownMarker();
      store.scheduleTick();
      return store;
    } catch (IOException | RuntimeException | Error e) {
      if (store != null) {
        store.closeQuietly();
      } else {
        if (topicStore != null) {
          try {
            topicStore.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        files.close();
      }
      try {
        root.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw new StorageException("cannot open store: directory=" + settings.directory()
            + ", error=" + io, io);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw (Error) e;
    }
  }

  private void loadTopics(boolean clean) throws IOException {
    List<TopicMetadata> metas = topicStore.topics();
    List<java.util.concurrent.Callable<PartitionLog.Opened>> tasks = new ArrayList<>();
    for (TopicMetadata meta : metas) {
      TopicConfig config = TopicConfig.fromMap(meta.config());
      for (int p = 0; p < meta.partitionCount(); p++) {
        TopicPartition tp = new TopicPartition(meta.name(), p);
        tasks.add(() -> openPartition(tp, config, clean));
      }
    }
    List<PartitionLog.Opened> opened = runAll(tasks);
    List<PartitionRecovery> cuts = new ArrayList<>();
    int scanned = 0;
    int i = 0;
    for (TopicMetadata meta : metas) {
      PartitionLog[] logs = new PartitionLog[meta.partitionCount()];
      for (int p = 0; p < logs.length; p++) {
        PartitionLog.Opened o = opened.get(i++);
        logs[p] = o.log();
        scanned += o.recovered() ? 1 : 0;
        o.cuts().ifPresent(cuts::add);
      }
      topics.put(meta.name(), new TopicState(meta.name(), logs[0].config(), logs));
    }
    recoveryReport = new RecoveryReport(clean, scanned, cuts);
    if (!clean) {
      LOG.log(Level.INFO, "store {0} was not shut down cleanly: scanned {1} partition(s), cut {2} bytes",
          directory, scanned, recoveryReport.truncatedBytes());
    }
    long now = settings.clock().millis();
    lastCheckpointMs = now;
    lastRetentionMs = now;
  }

  /**
   * After a clean shutdown every partition must come back at least as long as the marker says, or
   * have a recovery report that says what was cut (damage the core found itself):
   * a backend that keeps its bookkeeping where the core cannot see it (RocksDB's MANIFEST) may
   * otherwise lose a damaged part of it without a word.
   */
  private void checkLogEnds(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      TopicPartition tp = e.getKey();
      TopicState state = topics.get(tp.topic());
      long found = state == null || tp.partition() >= state.partitions.length ? -1
          : state.partitions[tp.partition()].logEndOffset();
      boolean reported = recoveryReport.partitions().stream().anyMatch(r -> r.partition().equals(tp));
      if (found < e.getValue() && !reported) {
        throw new StorageException("the backend lost records since the clean shutdown, refusing to open: "
            + "directory=" + directory + ", backend=" + settings.provider().name() + ", partition=" + tp
            + ", logEndOffsetAtClose=" + e.getValue() + ", found=" + (found < 0 ? "no such partition" : found)
            + " (the backend's own files are damaged; restore them or remove "
            + StoreDirectory.CLEAN_SHUTDOWN_FILE + " to accept the loss)", null);
      }
    }
  }

  /** Each partition's log end now: a lower bound of what a close keeps. */
  private Map<TopicPartition, Long> logEnds() {
    Map<TopicPartition, Long> ends = new java.util.LinkedHashMap<>();
    for (PartitionLog log : allLogs()) {
      try {
        ends.put(log.topicPartition(), log.logEndOffset());
      } catch (SamsaException offline) {
        // a partition taken offline (failed fsync) is left out: it is recovered at the next open
      }
    }
    return ends;
  }

  /** Runs the tasks on the recovery threads; on any failure closes what opened and throws. */
  private List<PartitionLog.Opened> runAll(List<java.util.concurrent.Callable<PartitionLog.Opened>> tasks)
      throws IOException {
    int threads = Math.min(settings.recoveryThreads(), tasks.size());
    List<PartitionLog.Opened> results = new ArrayList<>(tasks.size());
    if (threads <= 1) {
      try {
        for (var task : tasks) {
          results.add(task.call());
        }
        return results;
      } catch (Exception e) {
        results.forEach(o -> o.log().abandon(() -> new StoreClosedException(directory)));
        throw rethrow(e);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "samsa-recovery-" + directory.getFileName());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<PartitionLog.Opened>> futures = pool.invokeAll(tasks);
      Exception failure = null;
      for (Future<PartitionLog.Opened> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          failure = failure == null ? (Exception) e.getCause() : failure;
        }
      }
      if (failure != null) {
        results.forEach(o -> o.log().abandon(() -> new StoreClosedException(directory)));
        throw rethrow(failure);
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while opening store: directory=" + directory, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static IOException rethrow(Throwable e) {
    if (e instanceof IOException io) {
      return io;
    }
    if (e instanceof RuntimeException re) {
      throw re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IOException(e);
  }

  private PartitionLog.Opened openPartition(TopicPartition tp, TopicConfig config, boolean clean)
      throws IOException {
    PartitionStore ps = topicStore.openPartition(tp,
        new SegmentOptions(config.indexIntervalBytes(), config.segmentIndexBytes(), config.segmentBytes(),
            config.flushPolicy().isEveryAppend()));
    try {
      return PartitionLog.open(tp, ps, config, settings.clock(), buffers, background, clean);
    } catch (IOException | RuntimeException e) {
      try {
        ps.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Topics

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public String backend() {
    return settings.provider().name();
  }

  @Override
  public TopicDescription createTopic(String name, int partitionCount) {
    return createTopic(name, partitionCount, settings.defaultTopicConfig());
  }

  @Override
  public TopicDescription createTopic(String name, int partitionCount, TopicConfig config) {
    Objects.requireNonNull(config, "config");
    ensureOpen();
    TopicNames.validate(name);
    if (partitionCount < 1) {
      throw new InvalidPartitionsException(name, partitionCount, 0, "a topic needs at least one partition");
    }
    adminLock.lock();
    try {
      ensureOpen();
      if (topics.containsKey(name)) {
        throw new TopicExistsException(name);
      }
      topicStore.createTopic(new TopicMetadata(name, partitionCount, config.asMap()));
      PartitionLog[] logs = openNewPartitions(name, config, 0, partitionCount);
      TopicState state = new TopicState(name, config, logs);
      topics.put(name, state);
      scheduleTick(); // its flush interval may need a shorter tick
      return state.describe();
    } catch (IOException e) {
      throw new StorageException("createTopic failed: topic=" + name + ", error=" + e, e);
    } finally {
      adminLock.unlock();
    }
  }

  private PartitionLog[] openNewPartitions(String name, TopicConfig config, int from, int to)
      throws IOException {
    PartitionLog[] logs = new PartitionLog[to - from];
    for (int p = from; p < to; p++) {
      logs[p - from] = openPartition(new TopicPartition(name, p), config, true).log();
    }
    return logs;
  }

  @Override
  public Set<String> topics() {
    ensureOpen();
    return Collections.unmodifiableSet(new TreeSet<>(topics.keySet()));
  }

  @Override
  public TopicDescription describeTopic(String name) {
    return require(name).describe();
  }

  @Override
  public TopicDescription addPartitions(String name, int partitionCount) {
    adminLock.lock();
    try {
      TopicState state = require(name);
      int current = state.partitions.length;
      if (partitionCount < current) {
        throw new InvalidPartitionsException(name, partitionCount, current,
            "partitions can be added, never removed (keys map to partitions by hash)");
      }
      if (partitionCount == current) {
        return state.describe();
      }
      topicStore.updateTopic(new TopicMetadata(name, partitionCount, state.config.asMap()));
      PartitionLog[] added = openNewPartitions(name, state.config, current, partitionCount);
      PartitionLog[] grown = Arrays.copyOf(state.partitions, partitionCount);
      System.arraycopy(added, 0, grown, current, added.length);
      state.partitions = grown;
      return state.describe();
    } catch (IOException e) {
      throw new StorageException("addPartitions failed: topic=" + name + ", error=" + e, e);
    } finally {
      adminLock.unlock();
    }
  }

  @Override
  public void deleteTopic(String name) {
    adminLock.lock();
    try {
      TopicState state = require(name);
      topics.remove(name);
      for (PartitionLog log : state.partitions) {
        log.abandon(() -> new UnknownTopicOrPartitionException(name));
      }
      topicStore.deleteTopic(name);
    } catch (IOException e) {
      throw new StorageException("deleteTopic failed: topic=" + name + ", error=" + e, e);
    } finally {
      adminLock.unlock();
    }
  }

  @Override
  public Topic topic(String name) {
    require(name);
    return new LocalTopic(this, name);
  }

  @Override
  public Log log(TopicPartition partition) {
    return partitionLog(require(partition.topic()), partition.partition());
  }

  TopicState require(String name) {
    ensureOpen();
    TopicState state = name == null ? null : topics.get(name);
    if (state == null) {
      throw new UnknownTopicOrPartitionException(name);
    }
    return state;
  }

  static PartitionLog partitionLog(TopicState state, int partition) {
    PartitionLog[] logs = state.partitions;
    if (partition < 0 || partition >= logs.length) {
      throw new UnknownTopicOrPartitionException(state.name, partition, logs.length);
    }
    return logs[partition];
  }

  io.samsa.Partitioner partitioner() {
    return settings.partitioner();
  }

  @Override
  public RecoveryReport recoveryReport() {
    ensureOpen();
    return recoveryReport;
  }

  @Override
  public int applyRetention() {
    ensureOpen();
    int deleted = 0;
    for (PartitionLog log : allLogs()) {
      deleted += log.applyRetention();
    }
    return deleted;
  }

  @Override
  public void flush() {
    ensureOpen();
    for (PartitionLog log : allLogs()) {
      log.flush();
    }
  }

  private List<PartitionLog> allLogs() {
    List<PartitionLog> logs = new ArrayList<>();
    for (TopicState state : topics.values()) {
      logs.addAll(Arrays.asList(state.partitions));
    }
    return logs;
  }

  // ---------------------------------------------------------------------------------------------
  // Background work

  /** (Re)schedules the maintenance tick at the interval the current topics need. */
  private void scheduleTick() {
    synchronized (tickLock) {
      if (closed) {
        return;
      }
      if (tick != null) {
        tick.cancel(false);
      }
      long generation = ++tickGeneration;
      tick = scheduler.schedule(() -> runMaintenance(generation), tickInterval());
    }
  }

  private Duration tickInterval() {
    Duration d = MAX_TICK;
    d = min(d, settings.checkpointInterval());
    d = min(d, settings.retentionCheckInterval());
    for (TopicState state : topics.values()) {
      long flushMs = state.config.flushPolicy().intervalMs();
      if (flushMs != Long.MAX_VALUE) {
        d = min(d, Duration.ofMillis(Math.max(1, flushMs)));
      }
    }
    return d;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** One round of background work: flushes that are due, checkpoints, retention. */
  private void runMaintenance(long generation) {
    synchronized (tickLock) {
      if (closed || generation != tickGeneration) {
        return; // replaced by a newer tick
      }
    }
    synchronized (maintenance) {
      long now = settings.clock().millis();
      boolean checkpoints = now - lastCheckpointMs >= settings.checkpointInterval().toMillis();
      boolean retention = now - lastRetentionMs >= settings.retentionCheckInterval().toMillis();
      for (PartitionLog log : allLogs()) {
        if (closed) {
          return;
        }
        try {
          log.flushIfDue(now);
          if (retention) {
            log.applyRetention();
          }
          if (checkpoints) {
            log.checkpoint();
          }
        } catch (StoreClosedException | UnknownTopicOrPartitionException e) {
          // closed or deleted meanwhile
        } catch (RuntimeException e) {
          log.backgroundFailed("maintenance", e);
        }
      }
      maintainBackend();
      if (checkpoints) {
        lastCheckpointMs = now;
      }
      if (retention) {
        lastRetentionMs = now;
      }
    }
    scheduleTick();
  }

  private void maintainBackend() {
    if (closed) {
      return;
    }
    try {
      topicStore.maintain();
      backendMaintenanceFailed = false;
    } catch (IOException | RuntimeException e) {
      // Once loudly, then quietly until it works again: this runs every second.
      LOG.log(backendMaintenanceFailed ? Level.DEBUG : Level.WARNING,
          "backend maintenance failed: directory=" + directory, e);
      backendMaintenanceFailed = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  private void ensureOpen() {
    if (closed) {
      throw new StoreClosedException(directory);
    }
  }

  @Override
  public void close() {
    adminLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      adminLock.unlock();
    }
    synchronized (tickLock) {
      if (tick != null) {
        tick.cancel(false);
      }
    }
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      try {
        ownExecutor.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Read before the logs close (a closed log answers nothing); an append still in flight only
    // makes the real end larger, and the check at open is "at least".
    Map<TopicPartition, Long> ends = logEnds();
    SamsaException failure = closeLogs(allLogs());
    try {
      synchronized (maintenance) { // a tick of an outside scheduler may still be running
        topicStore.close();
      }
      if (failure == null) {
        root.writeCleanShutdownMarker(ends); // commit point of a clean shutdown
      }
    } catch (IOException e) {
      failure = failure == null
          ? new StorageException("closing store failed: directory=" + directory + ", error=" + e, e)
          : failure;
    } finally {
      files.close();
      try {
        root.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "releasing the lock of " + directory + " failed", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Closes every partition, flushing each, on several threads: closing is mostly waiting for
   * fsync, and the file system commits concurrent fsyncs together.
   *
   * @return the first failure, or null
   */
  private SamsaException closeLogs(List<PartitionLog> logs) {
    int threads = Math.min(logs.size(), Math.max(CLOSE_THREADS, settings.recoveryThreads()));
    java.util.concurrent.atomic.AtomicReference<SamsaException> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < logs.size(); i = next.getAndIncrement()) {
        PartitionLog log = logs.get(i);
        try {
          log.close(() -> new StoreClosedException(directory));
        } catch (SamsaException e) {
          LOG.log(Level.WARNING, "closing " + log.topicPartition() + " failed", e);
          failure.compareAndSet(null, e);
        }
      }
    };
    List<Thread> helpers = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      Thread h = new Thread(worker, "samsa-close-" + directory.getFileName());
      h.setDaemon(true);
      h.start();
      helpers.add(h);
    }
    worker.run();
    boolean interrupted = false;
    for (Thread h : helpers) {
      while (true) {
        try {
          h.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the partitions must be closed before the store is
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return failure.get();
  }

  private void closeQuietly() {
    try {
      closed = true;
      for (PartitionLog log : allLogs()) {
        log.abandon(() -> new StoreClosedException(directory));
      }
      topicStore.close();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "closing a store that failed to open failed too", e);
    } finally {
      files.close();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "LogStore{directory=" + directory + ", backend=" + backend() + ", topics=" + topics.keySet() + '}';
  }

  Map<String, TopicState> topicStates() {
    return topics;
  }
}
