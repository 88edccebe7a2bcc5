package io.samsa.storage.file;

import io.samsa.spi.FileIO;
import io.samsa.spi.SegmentOptions;
import io.samsa.spi.layout.IndexedSegment;
import io.samsa.spi.layout.SegmentFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Makes the file segments of one store and keeps its page-cache policy: the advisor, the
 * settings, and the live segments, which {@link #maintain()} walks to drop cold ones from the
 * cache.
 */
final class FileSegments implements SegmentFiles {
  private static final System.Logger LOG = System.getLogger(FileSegments.class.getName());

  final PageCachePolicy policy;
  private final Supplier<PageCacheAdvisor> advisors;
  private final Clock clock;
  private final Set<FileSegment> live = ConcurrentHashMap.newKeySet();
  private volatile PageCacheAdvisor advisor; // null until the first advice asks for it
  private volatile boolean adviceFailed;

  /**
   * @param advisors asked at each advice until it answers (null: not bound yet, this advice is
   *     skipped); its answer is kept, and an inactive one turns every later advice into nothing
   */
  FileSegments(Supplier<PageCacheAdvisor> advisors, PageCachePolicy policy, Clock clock) {
    this.advisors = advisors;
    this.policy = policy;
    this.clock = clock;
  }

  private PageCacheAdvisor advisor() {
    PageCacheAdvisor a = advisor;
    if (a == null) {
      a = advisors.get();
      if (a == null) {
        return NOT_YET;
      }
      advisor = a;
    }
    return a;
  }

  private static final PageCacheAdvisor NOT_YET = PageCacheAdvisor.none("not bound yet");

  @Override
  public IndexedSegment create(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      Consumer<IndexedSegment> onDelete) throws IOException {
    Path logPath = dir.resolve(SegmentFiles.fileName(baseOffset) + SegmentFiles.LOG_SUFFIX);
    FileChannel ch = io.open(logPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    FileSegment s = new FileSegment(this, io, dir, baseOffset, options, ch, onDelete);
    try {
      s.start(0, true);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    live.add(s);
    return s;
  }

  @Override
  public IndexedSegment open(FileIO io, Path dir, long baseOffset, SegmentOptions options,
      Consumer<IndexedSegment> onDelete) throws IOException {
    Path logPath = dir.resolve(SegmentFiles.fileName(baseOffset) + SegmentFiles.LOG_SUFFIX);
    FileChannel ch = io.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileSegment s = new FileSegment(this, io, dir, baseOffset, options, ch, onDelete);
    try {
      s.start(ch.size(), false);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    live.add(s);
    return s;
  }

  void closed(FileSegment s) {
    live.remove(s);
  }

  /** Drops segments that were sealed and flushed at least {@code cold.after.ms} ago. */
  @Override
  public void maintain() {
    if (policy.coldAfterMs() <= 0) {
      return;
    }
    long now = clock.millis();
    for (FileSegment s : live) {
      if (s.coldAt(now, policy.coldAfterMs())) {
        dontNeed(s.logFile(), 0, 0);
      }
    }
  }

  void willNeed(Path file, long from, long to) {
    try {
      advisor().willNeed(file, from, to - from);
    } catch (IOException e) {
      adviceFailed(e);
    }
  }

  void dontNeed(Path file, long from, long to) {
    try {
      advisor().dontNeed(file, from, to == 0 ? 0 : to - from);
    } catch (IOException e) {
      adviceFailed(e);
    }
  }

  /** Advice is a hint: a failure (a file deleted meanwhile, say) costs speed, never data. */
  private void adviceFailed(IOException e) {
    LOG.log(adviceFailed ? Level.DEBUG : Level.INFO, "page-cache advice failed: " + e.getMessage());
    adviceFailed = true;
  }
}
