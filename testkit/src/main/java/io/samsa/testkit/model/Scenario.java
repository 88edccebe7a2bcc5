package io.samsa.testkit.model;

import java.util.List;

/** Topic settings and a sequence of actions: one try of a model-based property. */
public record Scenario(LogSettings settings, List<Action> actions) {
  public Scenario {
    actions = List.copyOf(actions);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Scenario ").append(settings).append(" with ")
        .append(actions.size()).append(" action(s):");
    for (int i = 0; i < actions.size(); i++) {
      s.append("\n  ").append(i + 1).append(". ").append(actions.get(i));
    }
    return s.toString();
  }
}
