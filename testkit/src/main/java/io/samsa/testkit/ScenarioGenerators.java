package io.samsa.testkit;

import static org.quicktheories.generators.SourceDSL.lists;

import io.samsa.Header;
import io.samsa.testkit.model.Action;
import io.samsa.testkit.model.LogSettings;
import io.samsa.testkit.model.RecordSpec;
import io.samsa.testkit.model.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators of {@link Scenario}s. Every choice shrinks toward the simplest case
 * (fewer actions, appends first, offsets toward the log start, small values), so a failure is
 * reported as a short sequence.
 */
final class ScenarioGenerators {
  private static final List<String> HEADER_KEYS = List.of("a", "trace-id", "ü", "\uD834\uDD1E");

  private ScenarioGenerators() {}

  /**
   * @param crashes whether to generate {@link Action.Crash} steps
   * @param maxActions the longest scenario
   */
  static Gen<Scenario> scenarios(boolean crashes, int maxActions) {
    return settings().zip(lists().of(actions(crashes)).ofSizeBetween(1, maxActions), Scenario::new);
  }

  /**
   * Scenarios for comparing backends: no crashes (each backend's crash model cuts differently)
   * and indexes too large to fill (so that rolls, which a full index forces, are the same on
   * backends with and without index files).
   */
  static Gen<Scenario> crossBackendScenarios(int maxActions) {
    return settings().map(s -> new LogSettings(s.segmentBytes(), s.indexIntervalBytes(), 64 * 1024,
            s.retentionBytes(), s.retentionMs(), s.segmentMs(), s.flushMessages(), s.flushMs()))
        .zip(lists().of(actions(false)).ofSizeBetween(1, maxActions), Scenario::new);
  }

  static Gen<LogSettings> settings() {
    Gen<Long> retentionBytes = Generate.frequency(
        Pair.of(1, Generate.constant(-1L)), Pair.of(1, Generate.longRange(300, 8000)));
    Gen<Long> retentionMs = Generate.frequency(
        Pair.of(1, Generate.constant(Long.MAX_VALUE)), Pair.of(1, Generate.longRange(1000, 120_000)));
    Gen<Long> segmentMs = Generate.frequency(
        Pair.of(2, Generate.constant(Duration.ofDays(7).toMillis())),
        Pair.of(1, Generate.longRange(500, 30_000)));
    Gen<Integer> flush = Generate.frequency(
        Pair.of(3, Generate.constant(0)), Pair.of(1, Generate.constant(1)),
        Pair.of(2, Generate.range(2, 10)));
    Gen<Long> flushMs = Generate.frequency(
        Pair.of(3, Generate.constant(0L)), Pair.of(1, Generate.longRange(1, 20_000)));
    Gen<long[]> sizes = Generate.range(256, 4096).zip(Generate.range(0, 256), Generate.range(24, 240),
        flushMs, (segment, interval, index, ms) -> new long[] {segment, interval, index, ms});
    // A flush by time resets the count the engine keeps, at a moment the model cannot know
    // exactly: the two policies are generated apart, so the count is checked exactly.
    return sizes.zip(retentionBytes, retentionMs, segmentMs, flush,
        (s, rb, rm, sm, f) -> new LogSettings((int) s[0], (int) s[1], (int) s[2], rb, rm, sm,
            s[3] == 0 ? f : 0, s[3]));
  }

  static Gen<Action> actions(boolean crashes) {
    Gen<Integer> pick = Generate.range(0, 1_000_000);
    Gen<Integer> maxBytes = Generate.frequency(
        Pair.of(1, Generate.range(0, 200)), Pair.of(2, Generate.range(200, 4000)));
    List<Pair<Integer, Gen<Action>>> choices = new ArrayList<>();
    choices.add(Pair.of(30, lists().of(records()).ofSizeBetween(1, 5).map(Action.Append::new)));
    choices.add(Pair.of(10, pick.zip(maxBytes, Action.Read::new)));
    choices.add(Pair.of(2, Generate.booleans().zip(Generate.range(0, 3), Action.ReadOutOfRange::new)));
    choices.add(Pair.of(4, pick.zip(maxBytes, Action.TransferTo::new)));
    choices.add(Pair.of(3, pick.map(Action.Reader::new)));
    choices.add(Pair.of(6, pick.zip(Generate.longRange(-3, 3), Action.TimestampLookup::new)));
    choices.add(Pair.of(5, Generate.constant(new Action.Roll())));
    choices.add(Pair.of(4, Generate.constant(new Action.Flush())));
    choices.add(Pair.of(4, pick.map(Action.Truncate::new)));
    choices.add(Pair.of(3, pick.map(Action.DeleteRecords::new)));
    choices.add(Pair.of(4, Generate.longRange(0, 60_000).map(Action.Retention::new)));
    choices.add(Pair.of(4, Generate.longRange(0, 30_000).map(Action.Background::new)));
    choices.add(Pair.of(4, Generate.constant(new Action.Reopen())));
    if (crashes) {
      choices.add(Pair.of(6, Generate.enumValues(CrashKind.class)
          .zip(Generate.longRange(0, Long.MAX_VALUE), Action.Crash::new)));
    }
    return Generate.frequency(choices);
  }

  static Gen<RecordSpec> records() {
    Gen<byte[]> key = nullable(1, Generate.byteArrays(Generate.range(0, 16), anyByte()), 4);
    Gen<byte[]> value = Generate.frequency(
        Pair.of(8, Generate.byteArrays(Generate.range(0, 120), anyByte())),
        Pair.of(1, Generate.constant(() -> null)),
        Pair.of(1, Generate.byteArrays(Generate.range(300, 1500), anyByte())));
    Gen<Long> shift = Generate.frequency(
        Pair.of(2, Generate.constant(() -> null)), Pair.of(3, Generate.longRange(-5000, 5000)));
    Gen<Header> header = Generate.pick(HEADER_KEYS)
        .zip(nullable(1, Generate.byteArrays(Generate.range(0, 8), anyByte()), 3), Header::of);
    Gen<List<Header>> headers = lists().of(header).ofSizeBetween(0, 2);
    return key.zip(value, shift, headers, RecordSpec::new);
  }

  private static Gen<Byte> anyByte() {
    return Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0);
  }

  private static <T> Gen<T> nullable(int nullWeight, Gen<T> gen, int weight) {
    return Generate.frequency(Pair.of(weight, gen), Pair.of(nullWeight, Generate.constant(() -> null)));
  }
}
