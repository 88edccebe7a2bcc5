package io.samsa.examples.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import io.samsa.core.internal.log.PartitionLog;
import io.samsa.spi.LeaderEpoch;
import io.samsa.testkit.CrashKind;
import io.samsa.testkit.SimulatedDisk;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The epoch history is stored with the checkpoint, not at every leader change; after a power cut
 * the epochs of the batches past the stored recovery point are read back from their headers.
 */
class EpochHistoryRecoveryTest {
  @TempDir Path dir;

  @Test
  void powerCut_afterANewEpochWroteForcedBatches_recoveryFindsTheEpochInTheBatches() {
    SimulatedDisk disk = new SimulatedDisk();
    TopicPartition tp = new TopicPartition("t", 0);
    LogStore store = Samsa.builder(dir).backend("file").fileIO(disk.fileIO()).open();
    store.createTopic("t", 1);
    PartitionLog log = (PartitionLog) store.log(tp);
    log.assignLeaderEpoch(0);
    log.append(List.of(ProducerRecord.of("k", "a"), ProducerRecord.of("k", "b")));
    log.flush();
    log.updateHighWatermark(2);
    log.checkpoint(); //  stored: recovery point 2, high watermark 2, history [0@0]
    log.assignLeaderEpoch(3);
    log.append(List.of(ProducerRecord.of("k", "c")));
    log.flush(); //  the batch of epoch 3 is on disk; the history with 3@2 only in memory
    disk.crash(CrashKind.DROP, new Random(1));
    try {
      store.close();
    } catch (RuntimeException expected) {
      // a dead store cannot flush
    }

    try (LogStore reopened = Samsa.builder(dir).backend("file").fileIO(disk.fileIO()).open()) {
      assertFalse(reopened.recoveryReport().cleanShutdown());
      PartitionLog again = (PartitionLog) reopened.log(tp);
      assertEquals(3, again.logEndOffset());
      assertEquals(List.of(new LeaderEpoch(0, 0), new LeaderEpoch(3, 2)), again.leaderEpochs());
      assertEquals(new PartitionLog.EpochEnd(0, 2), again.endOffsetForEpoch(2));
      assertEquals(2, again.highWatermark(), "the checkpointed high watermark");
    }
  }
}
