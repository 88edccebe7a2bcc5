package io.samsa.core.replication;

/**
 * Carries {@link Message}s between nodes: the fetches of followers and the answers of leaders.
 * A transport may delay, reorder or lose any message (the fetch protocol tolerates all three);
 * it never changes one.
 *
 * <h2>Threading</h2>
 * {@link #send} may be called from any thread. Delivery happens only inside {@link #pump()},
 * which the cluster calls while it steps: a handler is always called on the pumping thread, so a
 * network transport queues what it receives and hands it over in {@code pump}.
 */
public interface Transport {
  /** Where messages to one node are delivered. */
  @FunctionalInterface
  interface Handler {
    void receive(Message message);
  }

  /** Delivers messages addressed to {@code node} to {@code handler} from now on. */
  void register(int node, Handler handler);

  /** Stops delivering to {@code node}; messages to it in flight are dropped. */
  void unregister(int node);

  /** Sends a message; never blocks, never throws for a lost message. */
  void send(Message message);

  /**
   * Delivers every message that is due (and those their handlers send that are due at once).
   *
   * @return the number of messages delivered
   */
  int pump();
}
