package io.samsa.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FileSegmentsTest {
  private final List<String> advised = new ArrayList<>();

  private final PageCacheAdvisor recording = new PageCacheAdvisor() {
    @Override
    public String name() {
      return "recording";
    }

    @Override
    public boolean active() {
      return true;
    }

    @Override
    public void willNeed(Path file, long offset, long length) {
      advised.add("willNeed " + offset + "+" + length);
    }

    @Override
    public void dontNeed(Path file, long offset, long length) {
      advised.add("dontNeed " + offset + "+" + length);
    }
  };

  @Test
  void adviceBeforeTheBindingIsDone_isSkipped_andGivenOnceItIs() {
    AtomicReference<PageCacheAdvisor> bound = new AtomicReference<>();
    FileSegments segments = new FileSegments(bound::get,
        new PageCachePolicy(PageCachePolicy.DEFAULT_READAHEAD_BYTES, true, 0), Clock.systemUTC());
    Path file = Path.of("00000000000000000000.log");
    segments.willNeed(file, 0, 100);
    assertEquals(List.of(), advised, "nothing to advise with yet, and no waiting for it");
    bound.set(recording);
    segments.willNeed(file, 100, 300);
    segments.dontNeed(file, 0, 100);
    assertEquals(List.of("willNeed 100+200", "dontNeed 0+100"), advised);
    bound.set(PageCacheAdvisor.none("replaced"));
    segments.willNeed(file, 300, 400);
    assertEquals(3, advised.size(), "the first advisor found is kept");
  }
}
