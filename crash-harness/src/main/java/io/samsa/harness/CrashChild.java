package io.samsa.harness;

import io.samsa.AppendResult;
import io.samsa.Log;
import io.samsa.LogRecord;
import io.samsa.LogStore;
import io.samsa.ProducerRecord;
import io.samsa.ReadResult;
import io.samsa.RecoveryReport;
import io.samsa.TopicConfig;
import io.samsa.TopicPartition;
import io.samsa.core.Samsa;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The program a crash test runs in a child JVM and kills with SIGKILL at a moment of its
 * choosing. It opens (and so recovers) a store, then appends {@link RecordModel} records to the
 * partitions of topic {@value #TOPIC} for ever, telling the parent on standard output what it
 * knows, one line per fact, flushed at once:
 *
 * <pre>
 *  OPENING                                     about to open the store (recovery runs next)
 *  OPENED clean scanned truncatedBytes cuts    the store's recovery report
 *  CUT\tpartition\tposition\tbytes\tsource\treason   one per cut of that report
 *  READY partition logStart logEnd recoveryPoint
 *  ACK partition baseOffset lastOffset         an append returned: these offsets are acknowledged
 *  DURABLE partition recoveryPoint             the log says everything below is forced to disk
 *  FLUSHED partition logEnd                    Log.flush() returned: everything below is on disk
 *  ROLLED partition                            Log.roll() returned
 *  BAD message                                 a check of the child's own failed
 *  FAILED exception                            an unexpected exception; the child exits 1
 * </pre>
 *
 * <p>A line is printed only after the fact it states is true, so whatever the parent has read
 * when the child dies held before it died. The child exits by itself when its standard input
 * closes (the parent died) or after {@code maxSeconds}.
 *
 * <p>Arguments, as {@code key=value}: {@code dir}, {@code backend}, {@code policy} (a {@link
 * FlushPolicies} id), {@code seed}, {@code partitions}, {@code segmentBytes}, {@code maxSeconds}.
 */
public final class CrashChild {
  /** The topic the child appends to. */
  public static final String TOPIC = "crash";
  /** The most value bytes the child puts in one batch (one record may exceed it alone). */
  static final int BATCH_VALUE_BYTES = 48 * 1024;

  private final PrintStream out;
  private final RecordModel model;
  private final SplittableRandom random;
  private final FlushPolicies policy;

  private CrashChild(PrintStream out, RecordModel model, long seed, FlushPolicies policy) {
    this.out = out;
    this.model = model;
    this.random = new SplittableRandom(seed);
    this.policy = policy;
  }

  /** The topic config the child creates its topic with: small segments, so that they roll often. */
  public static TopicConfig topicConfig(FlushPolicies policy, int segmentBytes) {
    return TopicConfig.builder()
        .segmentBytes(segmentBytes)
        .segmentIndexBytes(64 * 1024)
        .indexIntervalBytes(1024)
        .maxBatchBytes(segmentBytes)
        .retentionTime(TopicConfig.FOREVER)
        .flushPolicy(policy.policy())
        .build();
  }

  public static void main(String[] args) {
    Map<String, String> a = parse(args);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    watchParent(Long.parseLong(a.getOrDefault("maxSeconds", "300")));
    FlushPolicies policy = FlushPolicies.byId(a.get("policy"));
    long seed = Long.parseLong(a.get("seed"));
    long runSeed = Long.parseLong(a.getOrDefault("runSeed", a.get("seed")));
    CrashChild child = new CrashChild(out, new RecordModel(seed), runSeed, policy);
    try {
      child.run(Path.of(a.get("dir")), a.get("backend"), Integer.parseInt(a.get("partitions")),
          Integer.parseInt(a.get("segmentBytes")));
    } catch (RuntimeException | Error t) {
      child.say("FAILED " + t.toString().replace('\n', ' '));
      throw t; // uncaught: the JVM reports it on stderr and exits with status 1 (all other threads are daemons)
    }
  }

  private void run(Path dir, String backend, int partitions, int segmentBytes) {
    TopicConfig config = topicConfig(policy, segmentBytes);
    say("OPENING");
    LogStore store = Samsa.builder(dir).backend(backend).defaultTopicConfig(config).open();
    RecoveryReport report = store.recoveryReport();
    int cuts = report.partitions().stream().mapToInt(p -> p.cuts().size()).sum();
    say("OPENED " + report.cleanShutdown() + " " + report.scannedPartitions() + " "
        + report.truncatedBytes() + " " + cuts);
    for (RecoveryReport.PartitionRecovery pr : report.partitions()) {
      for (RecoveryReport.Cut c : pr.cuts()) {
        say("CUT\t" + pr.partition().partition() + "\t" + c.position() + "\t" + c.truncatedBytes() + "\t"
            + c.source() + "\t" + c.reason().replace('\n', ' '));
      }
    }
    if (!store.topics().contains(TOPIC)) {
      store.createTopic(TOPIC, partitions, config);
    }
    List<Log> logs = new ArrayList<>();
    long[] durable = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      Log log = store.log(new TopicPartition(TOPIC, p));
      logs.add(log);
      durable[p] = log.recoveryPoint();
      checkTail(p, log);
      say("READY " + p + " " + log.logStartOffset() + " " + log.logEndOffset() + " " + durable[p]);
    }
    while (true) {
      int p = random.nextInt(partitions);
      Log log = logs.get(p);
      long end = log.logEndOffset();
      List<ProducerRecord> batch = nextBatch(p, end);
      AppendResult r = log.append(batch);
      if (r.baseOffset() != end || r.lastOffset() != end + batch.size() - 1) {
        say("BAD append to partition " + p + " at log end " + end + " of " + batch.size()
            + " records returned " + r);
      }
      say("ACK " + p + " " + r.baseOffset() + " " + r.lastOffset());
      if (policy.durableOnReturn() && log.recoveryPoint() <= r.lastOffset()) {
        say("BAD " + policy.id() + ": append of offsets " + r.baseOffset() + ".." + r.lastOffset()
            + " returned with the recovery point at " + log.recoveryPoint());
      }
      int op = random.nextInt(400);
      if (op < 2) {
        log.flush();
        say("FLUSHED " + p + " " + (r.lastOffset() + 1));
      } else if (op < 3) {
        log.roll();
        say("ROLLED " + p);
      }
      for (int q = 0; q < partitions; q++) {
        long point = logs.get(q).recoveryPoint();
        if (point > durable[q]) {
          durable[q] = point;
          say("DURABLE " + q + " " + point);
        }
      }
    }
  }

  /** Records for offsets from {@code end} on: a few, or one big one, within the batch budget. */
  private List<ProducerRecord> nextBatch(int partition, long end) {
    int want = 1 + (random.nextBoolean() ? random.nextInt(3) : random.nextInt(20));
    List<ProducerRecord> batch = new ArrayList<>(want);
    int bytes = 0;
    for (int i = 0; i < want; i++) {
      int size = Math.max(0, model.valueSize(partition, end + i));
      if (i > 0 && bytes + size > BATCH_VALUE_BYTES) {
        break;
      }
      bytes += size;
      batch.add(model.record(partition, end + i));
    }
    return batch;
  }

  /** The child's own look at what recovery left: the last records must be the model's. */
  private void checkTail(int partition, Log log) {
    long from = Math.max(log.logStartOffset(), log.logEndOffset() - 20);
    long offset = from;
    while (offset < log.logEndOffset()) {
      ReadResult rr = log.read(offset, 1 << 20);
      for (LogRecord rec : rr) {
        if (rec.offset() != offset || !model.matches(partition, rec)) {
          say("BAD after recovery: " + model.describeMismatch(partition, rec));
        }
        offset = rec.offset() + 1;
      }
      if (rr.isEmpty()) {
        say("BAD after recovery: partition " + partition + " read at " + offset + " returned nothing");
        return;
      }
    }
  }

  /** One line in one write: a line cut short by the kill lacks its newline, and the parent drops it. */
  private void say(String line) {
    out.print(line + "\n");
    out.flush();
  }

  /** Exits when the parent goes away (standard input closes) or the time is up. */
  private static void watchParent(long maxSeconds) {
    Thread stdin = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent sends nothing; end of input means it is gone
        }
      } catch (IOException e) {
        // same
      }
      Runtime.getRuntime().halt(3);
    }, "crash-child-parent-watch");
    stdin.setDaemon(true);
    stdin.start();
    Thread timer = new Thread(() -> {
      try {
        Thread.sleep(maxSeconds * 1000);
      } catch (InterruptedException e) {
        return;
      }
      Runtime.getRuntime().halt(4);
    }, "crash-child-time-limit");
    timer.setDaemon(true);
    timer.start();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value: arg=" + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    for (String key : List.of("dir", "backend", "policy", "seed", "partitions", "segmentBytes")) {
      if (!a.containsKey(key)) {
        throw new IllegalArgumentException("missing argument: " + key + "=..., given=" + a.keySet());
      }
    }
    return a;
  }
}
