package io.samsa.testkit;

import io.samsa.spi.StorageProvider;
import io.samsa.testkit.model.Scenario;
import io.samsa.testkit.model.ScenarioRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 8 of the design: every backend, given the same operations, answers every read the
 * same. A subclass names the backends; each random scenario runs on every one of them (each also
 * checked against the model) and their transcripts, every answer and the log's state after every
 * step, must be identical.
 *
 * <pre>{@code
 * class AllBackendsAgreeTest extends CrossBackendConformanceTest {
 *   protected Map<String, StorageProvider> createProviders() {
 *     return Map.of("file", new FileStorageProvider(), "mine", new MyStorageProvider());
 *   }
 * }
 * }</pre>
 */
public abstract class CrossBackendConformanceTest {
  @TempDir protected Path tmp;

  private final AtomicInteger dirs = new AtomicInteger();

  /** The backends to compare, by name: new instances each call. */
  protected abstract Map<String, StorageProvider> createProviders();

  /** Tries of the property. */
  protected int tries() {
    return Integer.getInteger("samsa.testkit.tries", 200);
  }

  @Test
  public void randomOperations_answerTheSameOnEveryBackend(TestReporter reporter) {
    int tries = ScenarioProperty.check(ScenarioGenerators.crossBackendScenarios(40), tries(), this::compare);
    reporter.publishEntry("tries", Integer.toString(tries));
    reporter.publishEntry("backends", createProviders().keySet().toString());
  }

  private void compare(Scenario scenario) {
    String firstName = null;
    List<String> first = null;
    for (Map.Entry<String, StorageProvider> e : createProviders().entrySet()) {
      List<String> transcript = new ArrayList<>();
      Path dir = tmp.resolve(e.getKey() + "-" + dirs.incrementAndGet());
      try (ScenarioRunner runner = new ScenarioRunner(e.getValue(), null, dir, transcript::add)) {
        runner.run(scenario);
      } catch (AssertionError | RuntimeException failure) {
        throw new AssertionError("backend " + e.getKey() + " disagreed with the model: " + failure, failure);
      } finally {
        ScratchDirectories.delete(dir);
      }
      if (first == null) {
        firstName = e.getKey();
        first = transcript;
        continue;
      }
      for (int i = 0; i < Math.max(first.size(), transcript.size()); i++) {
        String a = i < first.size() ? first.get(i) : "(nothing)";
        String b = i < transcript.size() ? transcript.get(i) : "(nothing)";
        if (!a.equals(b)) {
          throw new AssertionError("backends " + firstName + " and " + e.getKey()
              + " answered differently: " + firstName + ": " + a + " / " + e.getKey() + ": " + b);
        }
      }
    }
  }
}
