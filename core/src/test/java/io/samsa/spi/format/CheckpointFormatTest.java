package io.samsa.spi.format;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.samsa.spi.CorruptCheckpointException;
import io.samsa.spi.LeaderEpoch;
import io.samsa.spi.PartitionCheckpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class CheckpointFormatTest {
  private static final PartitionCheckpoint SAMPLE = new PartitionCheckpoint(1200, 0, 1200,
      List.of(new LeaderEpoch(0, 0), new LeaderEpoch(3, 1100)));

  /** The format, byte for byte, as a golden value: changing it breaks every stored checkpoint. */
  private static final String SAMPLE_TEXT = """
      samsa-partition-checkpoint 1
      recovery-point 1200
      log-start-offset 0
      high-watermark 1200
      leader-epochs 2
      0 0
      3 1100
      crc32c bb97ee9c
      """;

  @Test
  void encode_sample_writesGoldenText() {
    assertEquals(SAMPLE_TEXT, new String(CheckpointFormat.encode(SAMPLE), US_ASCII));
  }

  @Test
  void encode_sample_checksumIsCrc32cOfEverythingBeforeIt() {
    byte[] body = SAMPLE_TEXT.substring(0, SAMPLE_TEXT.indexOf("crc32c ")).getBytes(US_ASCII);
    CRC32C crc = new CRC32C();
    crc.update(body);
    assertEquals("bb97ee9c", Long.toHexString(crc.getValue()));
  }

  @Test
  void decode_goldenText_readsSample() {
    assertEquals(SAMPLE, CheckpointFormat.decode(SAMPLE_TEXT.getBytes(US_ASCII), "checkpoint"));
  }

  @Test
  void encode_sameCheckpoint_isDeterministic() {
    assertArrayEquals(CheckpointFormat.encode(SAMPLE), CheckpointFormat.encode(SAMPLE));
  }

  @Test
  void decode_encodedCheckpoints_roundTrip() {
    for (PartitionCheckpoint cp : List.of(
        new PartitionCheckpoint(0, 0, 0, List.of()),
        SAMPLE,
        new PartitionCheckpoint(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
            List.of(new LeaderEpoch(Integer.MAX_VALUE, Long.MAX_VALUE))),
        new PartitionCheckpoint(5, 1, 3, List.of(new LeaderEpoch(-1, 0), new LeaderEpoch(0, 1))))) {
      assertEquals(cp, CheckpointFormat.decode(CheckpointFormat.encode(cp), "cp"));
    }
  }

  @Test
  void decode_randomCheckpoints_roundTrip() {
    qt().withExamples(1_000).forAll(checkpoints()).checkAssert(cp ->
        assertEquals(cp, CheckpointFormat.decode(CheckpointFormat.encode(cp), "cp")));
  }

  // --- torn and flipped -----------------------------------------------------------------------

  @Test
  void decode_truncatedAtEveryByte_throwsCorruptCheckpoint() {
    byte[] whole = CheckpointFormat.encode(SAMPLE);
    for (int length = 0; length < whole.length; length++) {
      assertRefused(Arrays.copyOf(whole, length), "truncated to " + length);
    }
  }

  @Test
  void decode_everyByteInverted_throwsCorruptCheckpoint() {
    byte[] whole = CheckpointFormat.encode(SAMPLE);
    for (int at = 0; at < whole.length; at++) {
      byte[] bad = whole.clone();
      bad[at] ^= (byte) 0xff;
      assertRefused(bad, "byte " + at + " inverted");
    }
  }

  /**
   * Every single-bit flip, anywhere, is refused: the class doc promises that a flipped checkpoint
   * is "detected rather than believed".
   */
  @Test
  void decode_everySingleBitFlipped_throwsCorruptCheckpoint() {
    byte[] whole = CheckpointFormat.encode(SAMPLE);
    List<String> accepted = new ArrayList<>();
    for (int at = 0; at < whole.length; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = whole.clone();
        bad[at] ^= (byte) (1 << bit);
        try {
          CheckpointFormat.decode(bad, "cp");
          accepted.add("byte " + at + " ('" + (char) whole[at] + "') bit " + bit + " -> '" + (char) bad[at] + "'");
        } catch (CorruptCheckpointException expected) {
          // refused, as it should be
        }
      }
    }
    assertTrue(accepted.isEmpty(), () -> "accepted flipped checkpoints: " + accepted);
  }

  @Test
  void decode_emptyOrGarbage_throwsCorruptCheckpointNamingSource() {
    for (byte[] bad : new byte[][] {new byte[0], "\n".getBytes(US_ASCII), "crc32c \n".getBytes(US_ASCII),
        "crc32c zz\n".getBytes(US_ASCII), new byte[] {(byte) 0xff, (byte) 0xfe, '\n'}}) {
      CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
          () -> CheckpointFormat.decode(bad, "partition.checkpoint"));
      assertEquals("partition.checkpoint", e.source());
      assertTrue(e.getMessage().contains("partition.checkpoint"));
    }
  }

  @Test
  void decode_randomBytes_onlyEverThrowsCorruptCheckpoint() {
    Gen<byte[]> garbage = Batches.byteArrays(300);
    qt().withExamples(1_000).forAll(garbage).checkAssert(bytes -> assertRefused(bytes, "random bytes"));
  }

  /** Bodies of plausible lines behind a correct checksum: parse or refuse, nothing else. */
  @Test
  void decode_malformedBodyWithValidChecksum_parsesOrThrowsCorruptCheckpoint() {
    Gen<String> line = Generate.pick(List.of(
        "samsa-partition-checkpoint 1", "samsa-partition-checkpoint 2", "recovery-point 5",
        "recovery-point -5", "recovery-point x", "log-start-offset 0", "high-watermark 9",
        "high-watermark 99999999999999999999", "leader-epochs 0", "leader-epochs 1", "leader-epochs -1",
        "leader-epochs 2147483648", "0 0", "1 2 3", "x 1", "3", "", " ", "crc32c 0", "recovery-point"));
    Gen<List<String>> bodies = lists().of(line).ofSizeBetween(0, 9);
    qt().withExamples(2_000).forAll(bodies).checkAssert(lines -> {
      byte[] bytes = withChecksum(String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"));
      try {
        CheckpointFormat.decode(bytes, "cp");
      } catch (CorruptCheckpointException refused) {
        // a clean refusal
      } catch (RuntimeException e) {
        throw new AssertionError("decode threw " + e + " for:\n" + new String(bytes, US_ASCII), e);
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "samsa-partition-checkpoint 2\nrecovery-point 1\nlog-start-offset 0\nhigh-watermark 1\nleader-epochs 0\n",
    "samsa-partition-checkpoint 1\nlog-start-offset 0\nrecovery-point 1\nhigh-watermark 1\nleader-epochs 0\n",
    "samsa-partition-checkpoint 1\nrecovery-point 1\nlog-start-offset 0\nhigh-watermark 1\nleader-epochs 2\n0 0\n",
    "samsa-partition-checkpoint 1\nrecovery-point 1\nlog-start-offset 0\nhigh-watermark 1\nleader-epochs 1\n0\n",
    "samsa-partition-checkpoint 1\nrecovery-point -1\nlog-start-offset 0\nhigh-watermark 1\nleader-epochs 0\n",
    "samsa-partition-checkpoint 1\nrecovery-point 1\nlog-start-offset 0\nhigh-watermark 1\n",
    "samsa-partition-checkpoint 1\nrecovery-point one\nlog-start-offset 0\nhigh-watermark 1\nleader-epochs 0\n",
  })
  void decode_wellChecksummedButMalformed_throwsCorruptCheckpoint(String body) {
    assertRefused(withChecksum(body), body);
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Gen<PartitionCheckpoint> checkpoints() {
    Gen<Long> offsets = longs().between(0, 10_000).mix(longs().between(0, Long.MAX_VALUE), 30);
    Gen<LeaderEpoch> epoch = integers().all().zip(longs().between(0, Long.MAX_VALUE), LeaderEpoch::new);
    Gen<List<LeaderEpoch>> epochs = lists().of(epoch).ofSizeBetween(0, 6);
    return rs -> new PartitionCheckpoint(offsets.generate(rs), offsets.generate(rs), offsets.generate(rs),
        epochs.generate(rs));
  }

  private static byte[] withChecksum(String body) {
    byte[] b = body.getBytes(US_ASCII);
    CRC32C crc = new CRC32C();
    crc.update(b);
    return (body + "crc32c " + Long.toHexString(crc.getValue()) + "\n").getBytes(US_ASCII);
  }

  private static void assertRefused(byte[] bytes, String what) {
    try {
      PartitionCheckpoint cp = CheckpointFormat.decode(bytes, "cp");
      throw new AssertionError(what + ": accepted as " + cp + ":\n" + new String(bytes, US_ASCII));
    } catch (CorruptCheckpointException expected) {
      assertEquals("cp", expected.source());
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": threw " + e + " instead of CorruptCheckpointException", e);
    }
  }
}
