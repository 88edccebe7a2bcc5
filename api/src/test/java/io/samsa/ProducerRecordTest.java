package io.samsa;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerRecordTest {

  // --- ProducerRecord ---------------------------------------------------------------------------------

  @Test
  void equals_sameContentInDifferentArrays_isEqualWithSameHashCode() {
    ProducerRecord a = ProducerRecord.builder().key(bytes("k")).value(bytes("v")).timestamp(5).header("h", "x").build();
    ProducerRecord b = ProducerRecord.builder().key(bytes("k")).value(bytes("v")).timestamp(5).header("h", "x").build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void equals_anyFieldDiffers_isNotEqual() {
    ProducerRecord base = ProducerRecord.builder().key("k").value("v").timestamp(5).header("h", "x").build();
    assertNotEquals(base, ProducerRecord.builder().key("K").value("v").timestamp(5).header("h", "x").build());
    assertNotEquals(base, ProducerRecord.builder().key("k").value("V").timestamp(5).header("h", "x").build());
    assertNotEquals(base, ProducerRecord.builder().key("k").value("v").timestamp(6).header("h", "x").build());
    assertNotEquals(base, ProducerRecord.builder().key("k").value("v").timestamp(5).header("h", "y").build());
    assertNotEquals(base, ProducerRecord.builder().key("k").value("v").timestamp(5).header("H", "x").build());
    assertNotEquals(base, ProducerRecord.builder().key("k").value("v").timestamp(5).build());
    assertNotEquals(base, ProducerRecord.builder().value("v").timestamp(5).header("h", "x").build());
  }

  @Test
  void equals_nullVersusEmpty_isNotEqual() {
    assertNotEquals(ProducerRecord.of((byte[]) null, null), ProducerRecord.of(new byte[0], new byte[0]));
    assertNotEquals(ProducerRecord.of((byte[]) null, new byte[0]), ProducerRecord.of(new byte[0], new byte[0]));
    assertNotEquals(ProducerRecord.of(new byte[0], null), ProducerRecord.of(new byte[0], new byte[0]));
  }

  @Test
  void of_nullKeyAndValue_keepsNulls() {
    ProducerRecord r = ProducerRecord.of((byte[]) null, null);
    assertNull(r.key());
    assertNull(r.value());
    assertEquals(ProducerRecord.NO_TIMESTAMP, r.timestamp());
    assertTrue(r.headers().isEmpty());
    assertEquals(r, ProducerRecord.of((String) null, null));
    assertEquals(r, ProducerRecord.ofValue(null));
    assertEquals(r.hashCode(), ProducerRecord.ofValue(null).hashCode());
  }

  @Test
  void of_strings_encodesUtf8() {
    ProducerRecord r = ProducerRecord.of("k\u00e9y", "v\ud83d\ude00");
    assertArrayEquals("k\u00e9y".getBytes(UTF_8), r.key());
    assertArrayEquals("v\ud83d\ude00".getBytes(UTF_8), r.value());
  }

  @Test
  void key_givenArray_isSharedNotCopied() {
    byte[] key = bytes("k");
    assertTrue(ProducerRecord.of(key, null).key() == key);
  }

  @ParameterizedTest
  @ValueSource(longs = {-2, -1000, Long.MIN_VALUE})
  void build_negativeTimestamp_throwsIllegalArgumentNamingIt(long timestamp) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProducerRecord.builder().value("v").timestamp(timestamp).build());
    assertTrue(e.getMessage().contains("timestamp=" + timestamp), e.getMessage());
  }

  @Test
  void withTimestamp_negative_throwsIllegalArgument() {
    ProducerRecord r = ProducerRecord.of("k", "v");
    assertThrows(IllegalArgumentException.class, () -> r.withTimestamp(-2));
  }

  @Test
  void build_zeroMaxAndNoTimestamp_areAccepted() {
    assertEquals(0, ProducerRecord.builder().timestamp(0).build().timestamp());
    assertEquals(Long.MAX_VALUE, ProducerRecord.builder().timestamp(Long.MAX_VALUE).build().timestamp());
    assertEquals(ProducerRecord.NO_TIMESTAMP, ProducerRecord.builder().timestamp(ProducerRecord.NO_TIMESTAMP).build().timestamp());
  }

  @Test
  void withTimestamp_copy_keepsEverythingElse() {
    ProducerRecord r = ProducerRecord.builder().key("k").value("v").header("h", "x").build();
    ProducerRecord t = r.withTimestamp(42);
    assertEquals(42, t.timestamp());
    assertEquals(ProducerRecord.NO_TIMESTAMP, r.timestamp());
    assertArrayEquals(r.key(), t.key());
    assertArrayEquals(r.value(), t.value());
    assertEquals(r.headers(), t.headers());
  }

  @Test
  void headers_builtRecord_keepsOrderAndIsUnmodifiable() {
    ProducerRecord r = ProducerRecord.builder().header("b", "1").header("a", "2").header("b", "3").build();
    assertEquals(List.of(Header.of("b", "1"), Header.of("a", "2"), Header.of("b", "3")), r.headers());
    assertThrows(UnsupportedOperationException.class, () -> r.headers().add(Header.of("c", "4")));
  }

  @Test
  void headers_builderReused_doesNotChangeBuiltRecord() {
    ProducerRecord.Builder b = ProducerRecord.builder().header("a", "1");
    ProducerRecord first = b.build();
    b.header("b", "2");
    assertEquals(1, first.headers().size());
  }

  @Test
  void headers_nullElement_throwsNullPointer() {
    List<Header> headers = new ArrayList<>();
    headers.add(null);
    assertThrows(NullPointerException.class, () -> ProducerRecord.builder().headers(headers));
  }

  @Test
  void toString_nullsAndLongBinaryValues_describesWithoutFailing() {
    assertEquals("ProducerRecord{key=null, value=null}", ProducerRecord.of((byte[]) null, null).toString());
    byte[] big = new byte[100];
    big[0] = (byte) 0xff;
    String s = ProducerRecord.builder().value(big).timestamp(3).header("h", (byte[]) null).build().toString();
    assertTrue(s.contains("(100 bytes)") && s.contains("timestamp=3") && s.contains("h=null"), s);
  }

  // --- Header ---------------------------------------------------------------------------------

  @Test
  void headerEquals_sameKeyAndValueBytes_isEqualWithSameHashCode() {
    Header a = Header.of("trace", bytes("id"));
    Header b = Header.of("trace", "id");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, Header.of("trace", "ID"));
    assertNotEquals(a, Header.of("Trace", "id"));
  }

  @Test
  void headerOf_nullValue_keepsNullAndDiffersFromEmpty() {
    Header n = Header.of("k", (byte[]) null);
    assertNull(n.value());
    assertNull(Header.of("k", (String) null).value());
    assertEquals(n, Header.of("k", (String) null));
    assertNotEquals(n, Header.of("k", new byte[0]));
  }

  @Test
  void headerOf_nullKey_throwsNullPointer() {
    assertThrows(NullPointerException.class, () -> Header.of(null, "v"));
    assertThrows(NullPointerException.class, () -> Header.of(null, (byte[]) null));
  }

  // --- LogRecord ------------------------------------------------------------------------------

  @Test
  void logRecordEquals_sameContent_isEqualWithSameHashCode() {
    LogRecord a = new LogRecord(7, 100, bytes("k"), null, List.of(Header.of("h", (byte[]) null)));
    LogRecord b = new LogRecord(7, 100, bytes("k"), null, List.of(Header.of("h", (byte[]) null)));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new LogRecord(8, 100, bytes("k"), null, List.of(Header.of("h", (byte[]) null))));
    assertNotEquals(a, new LogRecord(7, 101, bytes("k"), null, List.of(Header.of("h", (byte[]) null))));
    assertNotEquals(a, new LogRecord(7, 100, bytes("k"), bytes(""), List.of(Header.of("h", (byte[]) null))));
  }

  @Test
  void toRecord_logRecord_keepsKeyValueTimestampAndHeaders() {
    LogRecord lr = new LogRecord(7, 100, bytes("k"), null, List.of(Header.of("h", "x")));
    ProducerRecord r = lr.toProducerRecord();
    assertEquals(ProducerRecord.builder().key("k").timestamp(100).header("h", "x").build(), r);
  }

  @Test
  void logRecordHeaders_callerListChanged_areUnaffected() {
    List<Header> headers = new ArrayList<>(List.of(Header.of("a", "1")));
    LogRecord lr = new LogRecord(0, 0, null, null, headers);
    headers.add(Header.of("b", "2"));
    assertEquals(1, lr.headers().size());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
