package io.samsa.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private static final long MIB = 1 << 20;
  private static final long SIZE = 100 * MIB;

  @Test
  void readFromTheStart_loadsTheWindowAhead_andTopsItUpEachTimeAQuarterIsUsed() {
    ReadAhead ra = new ReadAhead(4 * MIB, false);
    ReadAhead.Advice a = ra.onRead(0, MIB, SIZE, 0);
    assertEquals(MIB, a.loadFrom());
    assertEquals(5 * MIB, a.loadTo());
    ReadAhead.Advice topUp = ra.onRead(MIB, MIB, SIZE, 0);
    assertEquals(5 * MIB, topUp.loadFrom(), "continues where the last advice ended");
    assertEquals(6 * MIB, topUp.loadTo(), "the window is full again");
    assertFalse(ra.onRead(2 * MIB, MIB / 2, SIZE, 0).load(), "3.5 MiB still loaded ahead");
    ReadAhead.Advice next = ra.onRead(2 * MIB + MIB / 2, MIB / 2, SIZE, 0);
    assertEquals(6 * MIB, next.loadFrom());
    assertEquals(7 * MIB, next.loadTo());
  }

  @Test
  void aSingleReadInTheMiddle_isNoPattern_butTheNextContiguousOneIs() {
    ReadAhead ra = new ReadAhead(4 * MIB, false);
    assertFalse(ra.onRead(50 * MIB, 64 * 1024, SIZE, 0).load());
    ReadAhead.Advice second = ra.onRead(50 * MIB + 64 * 1024, 64 * 1024, SIZE, 0);
    assertTrue(second.load());
    assertEquals(50 * MIB + 128 * 1024 + 4 * MIB, second.loadTo());
  }

  @Test
  void window_stopsAtTheSegmentsEnd() {
    ReadAhead ra = new ReadAhead(4 * MIB, false);
    ReadAhead.Advice a = ra.onRead(0, MIB, 2 * MIB, 0);
    assertEquals(2 * MIB, a.loadTo());
  }

  @Test
  void dropBehind_dropsWhatTheReaderPassed_inSteps_andOnlyBelowWhatIsDroppable() {
    ReadAhead ra = new ReadAhead(0, true);
    long at = 0;
    long dropped = 0;
    for (int i = 0; i < 40; i++) {
      ReadAhead.Advice a = ra.onRead(at, 256 * 1024, SIZE, 6 * MIB);
      assertFalse(a.load(), "no window configured");
      if (a.drop()) {
        assertEquals(dropped, a.dropFrom());
        assertTrue(a.dropTo() - a.dropFrom() >= ReadAhead.DROP_STEP_BYTES);
        assertTrue(a.dropTo() <= at, "only bytes already read");
        assertTrue(a.dropTo() <= 6 * MIB, "only bytes flushed in a sealed segment");
        dropped = a.dropTo();
      }
      at += 256 * 1024;
    }
    assertEquals(6 * MIB, dropped);
  }

  @Test
  void streams_areFollowedApart_andTheOldestIsReplaced() {
    ReadAhead ra = new ReadAhead(4 * MIB, false);
    long[] next = new long[ReadAhead.STREAMS + 1];
    for (int s = 0; s < next.length; s++) {
      next[s] = (s + 1) * 10 * MIB;
      ra.onRead(next[s], 1000, SIZE, 0); // each starts a stream
      next[s] += 1000;
    }
    // The first stream was replaced by the last; the others continue.
    assertFalse(ra.onRead(next[0], 1000, SIZE, 0).load(), "forgotten: starts anew");
    for (int s = 2; s < next.length; s++) {
      assertTrue(ra.onRead(next[s], 1000, SIZE, 0).load(), "stream " + s);
    }
  }

  @Test
  void reset_forgetsEveryStream() {
    ReadAhead ra = new ReadAhead(4 * MIB, false);
    ra.onRead(10 * MIB, 1000, SIZE, 0);
    ra.reset();
    assertFalse(ra.onRead(10 * MIB + 1000, 1000, SIZE, 0).load());
  }
}
