package io.samsa.examples;

import io.samsa.*;
import io.samsa.core.Samsa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** The README's usage snippet, compiled and run by the tests so that it stays true. */
public final class Usage {
  private Usage() {}

  /** Appends one keyed record, reads it back and tails the log; returns what was read. */
  public static String run(Path dir) {
    StringBuilder out = new StringBuilder();
    try (LogStore store = Samsa.open(dir)) {                    // the "file" backend
      store.createTopic("orders", 4);                            // Kafka's defaults
      Topic orders = store.topic("orders");

      AppendResult r = orders.append(ProducerRecord.of("customer-7", "order placed")); // by key
      Log log = orders.partition(r.topicPartition().partition());

      for (LogRecord rec : log.read(r.baseOffset(), 1 << 20)) { // up to 1 MiB of batches
        out.append(rec.offset()).append(' ').append(new String(rec.value(), StandardCharsets.UTF_8));
      }

      try (LogReader reader = log.reader(0)) {                   // tail the log
        ReadResult next = reader.poll(Duration.ofSeconds(1));    // waits for new records
        out.append(" | polled ").append(next.size());
      }
    }
    return out.toString();
  }

  public static void main(String[] args) {
    System.out.println(run(Path.of(args.length > 0 ? args[0] : "target/usage-data")));
  }
}
