package io.samsa.core.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A {@link Transport} inside one JVM, with faults for tests: a delay, a loss rate and a cut per
 * directed link, and partitions of the nodes into sides that cannot reach each other. A message
 * is delivered by {@link #pump()} once its delay has passed on the given clock, so a test drives
 * time with a manual clock and never sleeps; loss draws from a seeded random, so a run is
 * repeatable. A message in flight when its link is cut is lost.
 *
 * <p>Thread-safe; handlers run on the thread calling {@link #pump()}.
 */
public final class InProcessTransport implements Transport {
  private final Clock clock;
  private final Random random;
  private final Map<Integer, Handler> handlers = new HashMap<>();
  private final Map<Long, Long> delaysMs = new HashMap<>();
  private final Map<Long, Double> lossRates = new HashMap<>();
  private final Set<Long> cuts = new HashSet<>();
  private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
  private long sequence;
  private long sent;
  private long lost;

  private record InFlight(long dueMs, long sequence, Message message) implements Comparable<InFlight> {
    @Override
    public int compareTo(InFlight o) {
      int c = Long.compare(dueMs, o.dueMs);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  /** A transport timed by {@code clock}, losing messages by a random seeded with {@code seed}. */
  public InProcessTransport(Clock clock, long seed) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = new Random(seed);
  }

  private static long link(int from, int to) {
    return ((long) from << 32) | (to & 0xffffffffL);
  }

  /** Delays every message from {@code from} to {@code to} by {@code delay} (zero removes it). */
  public synchronized void delay(int from, int to, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0: delay=" + delay);
    }
    delaysMs.put(link(from, to), delay.toMillis());
  }

  /** Loses each message from {@code from} to {@code to} with probability {@code rate}. */
  public synchronized void lossRate(int from, int to, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in [0, 1]: rate=" + rate);
    }
    lossRates.put(link(from, to), rate);
  }

  /** Cuts both directions between the two nodes. */
  public synchronized void cut(int a, int b) {
    cuts.add(link(a, b));
    cuts.add(link(b, a));
  }

  /** Cuts every link between a node of {@code side} and a node outside it (among {@code all}). */
  public synchronized void partition(Collection<Integer> side, Collection<Integer> all) {
    for (int a : side) {
      for (int b : all) {
        if (!side.contains(b)) {
          cut(a, b);
        }
      }
    }
  }

  /** Removes every cut, delay and loss rate. */
  public synchronized void heal() {
    cuts.clear();
    delaysMs.clear();
    lossRates.clear();
  }

  /** True if messages can go from {@code from} to {@code to}. */
  public synchronized boolean connected(int from, int to) {
    return !cuts.contains(link(from, to));
  }

  /** Messages sent so far. */
  public synchronized long sent() {
    return sent;
  }

  /** Messages lost so far, to a loss rate, a cut or a node that was not registered. */
  public synchronized long lost() {
    return lost;
  }

  @Override
  public synchronized void register(int node, Handler handler) {
    handlers.put(node, Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public synchronized void unregister(int node) {
    handlers.remove(node);
  }

  @Override
  public synchronized void send(Message message) {
    sent++;
    long l = link(message.from(), message.to());
    if (cuts.contains(l) || random.nextDouble() < lossRates.getOrDefault(l, 0.0)) {
      lost++;
      return;
    }
    inFlight.add(new InFlight(clock.millis() + delaysMs.getOrDefault(l, 0L), sequence++, message));
  }

  @Override
  public int pump() {
    int delivered = 0;
    while (true) {
      Message m;
      Handler h;
      synchronized (this) {
        InFlight next = inFlight.peek();
        if (next == null || next.dueMs > clock.millis()) {
          return delivered;
        }
        inFlight.poll();
        m = next.message;
        h = handlers.get(m.to());
        if (h == null || cuts.contains(link(m.from(), m.to()))) {
          lost++;
          continue;
        }
      }
      h.receive(m); // outside the lock: the handler sends
      delivered++;
    }
  }
}
