package io.samsa.storage.file;

import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicStore;
import io.samsa.spi.layout.DirectoryTopicStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@code file} backend: Kafka's on-disk layout, written with {@link
 * java.nio.channels.FileChannel} positional writes and read with {@code transferTo} (zero copy),
 * with the page cache steered by {@code posix_fadvise}.
 *
 * <p>Select it with {@code Samsa.builder(dir).backend("file")} (the default).
 *
 * <h2>Page cache</h2>
 * A sequential reader gets the bytes ahead of it loaded ({@code WILLNEED}); bytes of sealed,
 * flushed segments that a reader has passed, and whole segments sealed and flushed a while ago,
 * are dropped ({@code DONTNEED}), so that a consumer reading old data does not push the tail,
 * which the other consumers read, out of the cache. The options, all on by default:
 * <pre>{@code
 * Samsa.builder(dir)
 *     .backendOption("readahead.bytes", "8388608")   // WILLNEED window ahead of a reader; 0: off
 *     .backendOption("dropbehind", "true")           // DONTNEED behind a reader of sealed data
 *     .backendOption("cold.after.ms", "300000")      // DONTNEED sealed segments this old; 0: off
 *     .backendOption("fadvise", "true")              // false: no advice at all
 *     .open();
 * }</pre>
 * Advice needs {@code posix_fadvise} (64-bit Linux) and JNA; elsewhere the backend logs once and
 * reads without advice. No JVM flag is needed: the advice acts on the file, so it is given through
 * a descriptor opened for it (see {@link #pageCacheAdvisor()}).
 */
public final class FileStorageProvider implements StorageProvider {
  /** The name this backend answers to. */
  public static final String NAME = "file";
  private static final System.Logger LOG = System.getLogger(FileStorageProvider.class.getName());
  private static volatile CompletableFuture<PageCacheAdvisor> detection;

  private final Supplier<PageCacheAdvisor> advisors;
  private final boolean background;

  /** Called by {@link java.util.ServiceLoader}. */
  public FileStorageProvider() {
    this(FileStorageProvider::detect, true);
  }

  /** With another way to find the advisor (tests: a platform without {@code posix_fadvise}). */
  FileStorageProvider(Supplier<PageCacheAdvisor> advisors) {
    this(advisors, false);
  }

  private FileStorageProvider(Supplier<PageCacheAdvisor> advisors, boolean background) {
    this.background = background;
    this.advisors = new Supplier<>() { // asked once per provider, so that it logs once
      private PageCacheAdvisor found;

      @Override
      public synchronized PageCacheAdvisor get() {
        if (found == null) {
          found = advisors.get();
        }
        return found;
      }
    };
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TopicStore open(StorageContext context) throws IOException {
    PageCachePolicy policy = PageCachePolicy.from(context);
    if (!policy.any()) {
      PageCacheAdvisor none = PageCacheAdvisor.none("turned off");
      return DirectoryTopicStore.open(context.directory(), context.fileIO(),
          new FileSegments(() -> none, policy, context.clock()));
    }
    // The default binds on another thread, started by the first advice, which goes without until
    // the binding is done (advice is a hint); an open or a recovery never waits for JNA.
    Supplier<PageCacheAdvisor> source = background ? () -> detection().getNow(null) : advisors;
    return DirectoryTopicStore.open(context.directory(), context.fileIO(),
        new FileSegments(source, policy, context.clock()));
  }

  /**
   * The page-cache advice this JVM gives, for logs and benchmark reports: {@code
   * "posix_fadvise (linux-x86-64)"}, or {@code "none (why)"}.
   */
  public static String pageCacheAdvisor() {
    return detect().name();
  }

  /** Finds the advisor once per JVM, logging what it found once; waits for a binding under way. */
  static PageCacheAdvisor detect() {
    return detection().join();
  }

  /**
   * The binding of the advisor, started once per JVM on a daemon thread: loading JNA and binding
   * the C library takes 100 to 300 ms of CPU, which neither an open (nor its recovery) nor the
   * first read should wait for.
   */
  private static CompletableFuture<PageCacheAdvisor> detection() {
    CompletableFuture<PageCacheAdvisor> d = detection;
    if (d == null) {
      synchronized (FileStorageProvider.class) {
        d = detection;
        if (d == null) {
          CompletableFuture<PageCacheAdvisor> started = new CompletableFuture<>();
          Thread binder = new Thread(() -> {
            try {
              started.complete(detect(LinuxPageCacheAdvisor::load));
            } catch (Throwable t) { // detect() answers "none" for what it expects; never hang a reader
              started.complete(PageCacheAdvisor.none(t.toString()));
            }
          }, "samsa-fadvise-binding");
          binder.setDaemon(true);
          binder.start();
          detection = started;
          d = started;
        }
      }
    }
    return d;
  }

  /** Tries {@code linux}; on any failure logs once why, and answers an advisor that does nothing. */
  static PageCacheAdvisor detect(Supplier<? extends PageCacheAdvisor> linux) {
    try {
      PageCacheAdvisor a = linux.get();
      LOG.log(Level.DEBUG, "page-cache advice: {0}", a.name());
      return a;
    } catch (LinkageError | RuntimeException e) {
      // UnsatisfiedLinkError or NoClassDefFoundError: no JNA, no native library, no symbol;
      // UnsupportedOperationException: not 64-bit Linux.
      PageCacheAdvisor none = PageCacheAdvisor.none(e.getClass().getSimpleName() + ": " + e.getMessage());
      LOG.log(Level.INFO, "posix_fadvise is not available, reading without page-cache advice: {0}",
          String.valueOf(e.getMessage()));
      return none;
    }
  }

  @Override
  public String toString() {
    return "FileStorageProvider";
  }
}
