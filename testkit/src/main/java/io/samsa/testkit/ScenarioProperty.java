package io.samsa.testkit;

import static org.quicktheories.QuickTheory.qt;

import io.samsa.testkit.model.Scenario;
import io.samsa.testkit.model.ScenarioShrinker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.quicktheories.core.Gen;

/**
 * Runs a scenario property with QuickTheories and, when it fails, shrinks the sequence of
 * actions with {@link ScenarioShrinker} (QuickTheories shrinks values well and sequences of
 * dependent steps poorly), reporting the minimal failing scenario with QuickTheories' seed.
 */
final class ScenarioProperty {
  private ScenarioProperty() {}

  /**
   * @param run runs one scenario, throwing {@link AssertionError} (or any runtime exception) if it
   *     fails
   * @return how many tries ran
   */
  static int check(Gen<Scenario> scenarios, int tries, Consumer<Scenario> run) {
    AtomicInteger ran = new AtomicInteger();
    AtomicReference<Scenario> smallest = new AtomicReference<>();
    var theory = qt().withExamples(tries).withShrinkCycles(100);
    Long seed = Long.getLong("samsa.testkit.seed");
    if (seed != null) {
      theory = theory.withFixedSeed(seed);
    }
    try {
      theory.forAll(scenarios).checkAssert(scenario -> {
        ran.incrementAndGet();
        try {
          run.accept(scenario);
        } catch (AssertionError | RuntimeException e) {
          smallest.accumulateAndGet(scenario, (a, b) ->
              a == null || b.actions().size() < a.actions().size() ? b : a);
          throw e;
        }
      });
    } catch (AssertionError found) {
      Scenario minimal = ScenarioShrinker.minimize(smallest.get(), s -> fails(run, s), 2000);
      String cause;
      try {
        run.accept(minimal);
        cause = "(no longer fails on its own)";
      } catch (AssertionError | RuntimeException e) {
        cause = e.toString();
      }
      throw new AssertionError("the store disagreed with the model. Minimal failing "
          + minimal + "\nfailure: " + cause + "\n\nQuickTheories' report follows.\n"
          + found.getMessage(), found);
    }
    return ran.get();
  }

  private static boolean fails(Consumer<Scenario> run, Scenario s) {
    try {
      run.accept(s);
      return false;
    } catch (AssertionError | RuntimeException e) {
      return true;
    }
  }
}
