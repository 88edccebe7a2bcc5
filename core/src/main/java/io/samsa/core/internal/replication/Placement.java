package io.samsa.core.internal.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a partition's replicas go: partition {@code p} of a topic starting at node index {@code
 * s} has its replicas on the {@code rf} nodes from index {@code s + p} on, round the ring, the
 * first one preferred as leader. Consecutive partitions start on consecutive nodes, so replicas
 * and preferred leaders spread evenly, and partitions added later continue the same sequence.
 */
final class Placement {
  private Placement() {}

  static List<Integer> replicas(List<Integer> nodeIds, int index, int replicationFactor) {
    List<Integer> out = new ArrayList<>(replicationFactor);
    for (int k = 0; k < replicationFactor; k++) {
      out.add(nodeIds.get(Math.floorMod(index + k, nodeIds.size())));
    }
    return out;
  }
}
