package io.samsa.spi.format;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.samsa.ProducerRecord;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encoding a batch allocates nothing per record: the heap allocated by sizing, encoding and
 * checking a batch of 10,000 records is about that of a batch of 10 (a few objects per batch).
 * Measured with HotSpot's per-thread allocation counter, which counts every allocation the thread
 * makes; records themselves are created before the measurement.
 */
class EncoderAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static List<ProducerRecord> records(int n) {
    List<ProducerRecord> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(ProducerRecord.builder().key("key-" + i).value(new byte[50]).header("trace", "x").build());
    }
    return list;
  }

  private static long allocatedBy(List<ProducerRecord> records, ByteBuffer buffer) {
    long tid = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(tid);
    long size = RecordBatchEncoder.batchSize(records, 1L);
    buffer.clear().limit((int) size);
    RecordBatchEncoder.encode(buffer, records, 0, -1, 1L);
    RecordBatchDecoder.checkRecords(buffer, 0, "test", 0);
    return THREADS.getThreadAllocatedBytes(tid) - before;
  }

  @Test
  void encode_allocatesNothingPerRecord() {
    assumeTrue(THREADS.isThreadAllocatedMemorySupported(), "no per-thread allocation counter here");
    THREADS.setThreadAllocatedMemoryEnabled(true);
    List<ProducerRecord> few = records(10);
    List<ProducerRecord> many = records(10_000);
    ByteBuffer buffer = ByteBuffer.allocateDirect(2 << 20);
    for (int i = 0; i < 200; i++) { // warm up: the counter must not count class loading
      allocatedBy(few, buffer);
      allocatedBy(many, buffer);
    }
    long fewBytes = Long.MAX_VALUE;
    long manyBytes = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      fewBytes = Math.min(fewBytes, allocatedBy(few, buffer));
      manyBytes = Math.min(manyBytes, allocatedBy(many, buffer));
    }
    assertTrue(manyBytes < 1024, "10,000 records allocated " + manyBytes + " bytes (10 records: "
        + fewBytes + "): something is allocated per record");
  }
}
