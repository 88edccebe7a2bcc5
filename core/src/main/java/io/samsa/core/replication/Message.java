package io.samsa.core.replication;

/**
 * What replicas send each other through a {@link Transport}: plain values only (records, lists,
 * byte arrays the sender never touches again), so that a network transport can serialize them.
 */
public sealed interface Message permits FetchRequest, FetchResponse {
  /** The sending node. */
  int from();

  /** The receiving node. */
  int to();
}
