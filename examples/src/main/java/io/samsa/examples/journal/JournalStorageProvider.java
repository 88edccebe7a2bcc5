package io.samsa.examples.journal;

import io.samsa.spi.StorageContext;
import io.samsa.spi.StorageProvider;
import io.samsa.spi.TopicStore;
import java.io.IOException;

/**
 * A storage backend written from scratch, in four small classes, as a template for your own: it
 * implements the SPI ({@link TopicStore}, {@link io.samsa.spi.PartitionStore}, {@link
 * io.samsa.spi.Segment}) with nothing but the helpers of {@link io.samsa.spi.format}, and passes
 * the conformance kit ({@code JournalBackendConformanceTest} is its whole test).
 *
 * <p>It keeps each topic in a directory, each partition in a subdirectory, each segment in one
 * file of record batches, and no index: a read scans the segment from its start, which is fine
 * for small segments and shows where an index would go. Four rules make it correct, and they are
 * the ones every backend must keep:
 * <ol>
 *   <li>do all file I/O through {@link StorageContext#fileIO()} (the kit cuts the power there);
 *   <li>make a batch visible to readers only once all of it is written;
 *   <li>make every change of topics and checkpoints atomic: write, force, rename;
 *   <li>sync a directory after creating, renaming or deleting a name in it, before relying on
 *       the change: until then a crash may undo it, forced data or not.
 * </ol>
 *
 * <p>It is registered in {@code META-INF/services/io.samsa.spi.StorageProvider}, so that
 * {@code Samsa.builder(dir).backend("journal")} finds it.
 */
public final class JournalStorageProvider implements StorageProvider {
  public static final String NAME = "journal";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TopicStore open(StorageContext context) throws IOException {
    return new JournalTopicStore(context.directory().resolve("journal"), context.fileIO());
  }
}
