package io.samsa.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.Log;
import io.samsa.LogReader;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.StoreClosedException;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.core.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** What is particular to the RocksDB backend. */
class RocksDbBackendTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);

  @TempDir Path dir;

  private static TopicConfig config() {
    return TopicConfig.builder().segmentBytes(2048).indexIntervalBytes(128)
        .retentionTime(TopicConfig.FOREVER).build();
  }

  private static List<ProducerRecord> records(int from, int count) {
    List<ProducerRecord> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(ProducerRecord.of("key-" + i, "value-" + i));
    }
    return list;
  }

  @Test
  void serviceLoader_findsTheRocksDbBackend_andOneDatabaseServesTheWholeStore() throws IOException {
    assertTrue(Samsa.availableBackends().contains("rocksdb"), Samsa.availableBackends().toString());
    try (LogStore store = Samsa.builder(dir).backend("rocksdb").scheduler(Scheduler.disabled()).open()) {
      for (String t : List.of("a", "b", "c")) {
        store.createTopic(t, 3, config());
        store.log(new TopicPartition(t, 2)).append(records(0, 3));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.contains("rocksdb") && names.stream().noneMatch(n -> n.startsWith("a-")),
          "one database, no partition directories: " + names);
    }
    assertTrue(Files.exists(dir.resolve("rocksdb").resolve("CURRENT")));
  }

  @Test
  void missingNativeLibrary_failsNamingThePlatform() {
    IOException e = assertThrows(IOException.class, () -> NativeLibrary.load(() -> {
      throw new UnsatisfiedLinkError("no rocksdbjni in java.library.path");
    }));
    assertTrue(e.getMessage().contains("platform=" + NativeLibrary.platform()), e.getMessage());
    assertTrue(e.getMessage().contains("no rocksdbjni"), e.getMessage());
    assertTrue(e.getMessage().contains("java.io.tmpdir"), e.getMessage());
  }

  @Test
  void retention_deletesTheKeyRanges_andTheRestStaysReadable() throws Exception {
    RocksDbStorageProvider provider = new RocksDbStorageProvider();
    try (LogStore store = Samsa.builder(dir).provider(provider).scheduler(Scheduler.disabled()).open()) {
      store.createTopic("orders", 1, config().toBuilder().retentionBytes(4096).build());
      Log log = store.log(TP);
      for (int i = 0; i < 2000; i += 10) {
        log.append(records(i, 10));
      }
      assertTrue(log.applyRetention() > 10, "many segments deleted");
      long start = log.logStartOffset();
      assertTrue(start > 1500, "only the last ~4 KiB stay: start=" + start);
      RocksDbTopicStore db = provider.openStores().get(0);
      long id = db.partitionId(TP);
      try (Slice lower = new Slice(Keys.batch(id, 0)); Slice upper = new Slice(Keys.batchesEnd(id));
          ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
          RocksIterator it = db.db.newIterator(db.batches, ro)) {
        it.seekToFirst();
        assertTrue(it.isValid());
        assertTrue(Keys.offsetOf(it.key()) >= log.segments().get(0).baseOffset(),
            "no key is left below the first segment: " + Keys.offsetOf(it.key()));
      }
      assertEquals(start, log.read(start, 1 << 20).records().get(0).offset());
    }
  }

  @Test
  void closingTheStoreWithReadersWaiting_neitherCrashesNorLeaks_andTheStoreReopens() throws Exception {
    LogStore store = Samsa.builder(dir).backend("rocksdb").scheduler(Scheduler.disabled()).open();
    store.createTopic("orders", 1, config());
    Log log = store.log(TP);
    log.append(records(0, 50));
    CountDownLatch reading = new CountDownLatch(3);
    List<CompletableFuture<Void>> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      readers.add(CompletableFuture.runAsync(() -> {
        try (LogReader reader = log.reader(0)) {
          reading.countDown();
          while (true) {
            reader.poll(Duration.ofSeconds(30)); // reads to the end, then waits for more
          }
        }
      }));
    }
    assertTrue(reading.await(30, TimeUnit.SECONDS));
    store.close();
    for (CompletableFuture<Void> reader : readers) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof StoreClosedException, "a reader ends with: " + e.getCause());
    }
    try (LogStore again = Samsa.builder(dir).backend("rocksdb").scheduler(Scheduler.disabled()).open()) {
      assertEquals(50, again.log(TP).logEndOffset());
      assertTrue(again.recoveryReport().cleanShutdown());
    }
  }
}
