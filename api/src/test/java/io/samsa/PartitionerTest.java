package io.samsa;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** {@link Partitioner#murmur2()} against Kafka's own {@code Utils.murmur2}. */
class PartitionerTest {
  private static final Partitioner MURMUR2 = Partitioner.murmur2();

  /** Keys of 0..64 bytes: every tail length (0-3) and several 4-byte blocks. */
  private static final Gen<byte[]> KEYS = Generate.byteArrays(
      integers().between(0, 64), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));

  /** Small counts (where most topics live) and any positive int. */
  private static final Gen<Integer> PARTITION_COUNTS =
      integers().between(1, 64).mix(integers().between(1, Integer.MAX_VALUE));

  @Test
  void partition_randomKeysAndCounts_matchesKafka() {
    qt().withExamples(2_000)
        .forAll(KEYS, PARTITION_COUNTS)
        .checkAssert((key, n) -> assertEquals(
            Utils.toPositive(Utils.murmur2(key)) % n, MURMUR2.partition(key, n),
            () -> "key=" + Bytes.describe(key) + ", partitionCount=" + n));
  }

  @Test
  void partition_randomKeys_staysInRange() {
    qt().withExamples(1_000)
        .forAll(KEYS, PARTITION_COUNTS)
        .checkAssert((key, n) -> {
          int p = MURMUR2.partition(key, n);
          assertTrue(p >= 0 && p < n, () -> "partition=" + p + ", partitionCount=" + n);
        });
  }

  /** Hashes published in Kafka's own UtilsTest, so the check does not depend on the oracle jar. */
  @ParameterizedTest
  @CsvSource({
    "21, -973932308",
    "foobar, -790332482",
    "a-little-bit-long-string, -985981536",
    "a-little-bit-longer-string, -1486304829",
    "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8, -58897971",
    "abc, 479470107",
  })
  void hash_knownKeys_matchesKafkaPublishedValues(String key, int expectedHash) {
    byte[] bytes = key.getBytes(UTF_8);
    assertEquals(expectedHash, Murmur2Partitioner.hash(bytes));
    assertEquals(expectedHash, Utils.murmur2(bytes));
    for (int n : new int[] {1, 2, 3, 7, 12, 100, 1 << 20, Integer.MAX_VALUE}) {
      assertEquals((expectedHash & 0x7fffffff) % n, MURMUR2.partition(bytes, n), "partitionCount=" + n);
    }
  }

  @Test
  void partition_emptyKey_matchesKafka() {
    byte[] empty = new byte[0];
    for (int n = 1; n <= 32; n++) {
      assertEquals(Utils.toPositive(Utils.murmur2(empty)) % n, MURMUR2.partition(empty, n));
    }
  }

  @Test
  void partition_keyWithHighBitBytes_matchesKafka() {
    // Bytes >= 0x80 are where a missing "& 0xff" would sign-extend; lengths 1..8 cover every tail.
    for (int length = 1; length <= 8; length++) {
      byte[] key = new byte[length];
      java.util.Arrays.fill(key, (byte) 0xff);
      assertEquals(Utils.toPositive(Utils.murmur2(key)) % 1000, MURMUR2.partition(key, 1000),
          "length=" + length);
    }
  }

  @Test
  void partition_oneAsCount_isAlwaysZero() {
    qt().withExamples(200).forAll(KEYS).checkAssert(key -> assertEquals(0, MURMUR2.partition(key, 1)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void partition_countBelowOne_throwsIllegalArgument(int partitionCount) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MURMUR2.partition("key".getBytes(UTF_8), partitionCount));
    assertTrue(e.getMessage().contains("partitionCount=" + partitionCount), e.getMessage());
  }
}
