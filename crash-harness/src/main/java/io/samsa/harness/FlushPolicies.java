package io.samsa.harness;

import io.samsa.FlushPolicy;
import java.time.Duration;
import java.util.List;

/**
 * The flush policies the harness runs under, by a name that fits a command line, and what each
 * promises about an append that returned.
 */
public enum FlushPolicies {
  /** Every append is on disk when it returns. */
  EVERY_APPEND("everyAppend", FlushPolicy.everyAppend()),
  /** Forced after every 50 records. */
  EVERY_50_MESSAGES("everyMessages50", FlushPolicy.everyMessages(50)),
  /** Forced in the background when unflushed data is 20 ms old. */
  EVERY_20_MS("every20ms", FlushPolicy.every(Duration.ofMillis(20))),
  /** Kafka's default: forced only at roll (in the background) and at close. */
  NEVER("never", FlushPolicy.never());

  private final String id;
  private final FlushPolicy policy;

  FlushPolicies(String id, FlushPolicy policy) {
    this.id = id;
    this.policy = policy;
  }

  public String id() {
    return id;
  }

  public FlushPolicy policy() {
    return policy;
  }

  /** Whether an append that returned is durable at once (its records are below the recovery point). */
  public boolean durableOnReturn() {
    return policy.isEveryAppend();
  }

  /**
   * @throws IllegalArgumentException if no policy has this id (the message lists them)
   */
  public static FlushPolicies byId(String id) {
    for (FlushPolicies p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown flush policy: id=" + id + ", known="
        + List.of(values()).stream().map(FlushPolicies::id).toList());
  }
}
