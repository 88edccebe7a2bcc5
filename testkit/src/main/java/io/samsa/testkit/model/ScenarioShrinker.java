package io.samsa.testkit.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes a failing scenario as short as it can while it still fails: removes runs of actions
 * (halving the run length down to single actions, as delta debugging does), then cuts every
 * multi-record append down to one record. Deterministic and independent of the property engine,
 * which finds failures but shrinks sequences of dependent steps poorly.
 */
public final class ScenarioShrinker {
  private ScenarioShrinker() {}

  /**
   * @param failing a scenario for which {@code fails} is true
   * @param fails runs a scenario and says whether it still fails
   * @param maxRuns how many candidate runs to spend at most
   */
  public static Scenario minimize(Scenario failing, Predicate<Scenario> fails, int maxRuns) {
    int[] runs = {0};
    Predicate<List<Action>> stillFails = actions -> {
      if (actions.isEmpty() || runs[0] >= maxRuns) {
        return false;
      }
      runs[0]++;
      return fails.test(new Scenario(failing.settings(), actions));
    };
    List<Action> actions = new ArrayList<>(failing.actions());
    for (int chunk = Math.max(1, actions.size() / 2); chunk >= 1; ) {
      boolean removed = false;
      for (int start = 0; start < actions.size(); ) {
        List<Action> candidate = new ArrayList<>(actions.subList(0, start));
        candidate.addAll(actions.subList(Math.min(actions.size(), start + chunk), actions.size()));
        if (stillFails.test(candidate)) {
          actions = candidate;
          removed = true;
        } else {
          start += chunk;
        }
      }
      if (!removed) {
        chunk /= 2;
      }
    }
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.Append a && a.records().size() > 1) {
        List<Action> candidate = new ArrayList<>(actions);
        candidate.set(i, new Action.Append(a.records().subList(0, 1)));
        if (stillFails.test(candidate)) {
          actions = candidate;
        }
      }
    }
    return new Scenario(failing.settings(), actions);
  }
}
