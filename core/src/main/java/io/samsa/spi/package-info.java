/**
 * The storage SPI: what a backend implements. Start at {@link io.samsa.spi.StorageProvider},
 * which explains the split of work between a backend (storing and finding bytes, in three
 * levels: {@link io.samsa.spi.TopicStore}, {@link io.samsa.spi.PartitionStore}, {@link
 * io.samsa.spi.Segment}) and the core (everything that must be the same for every backend).
 *
 * <p>A backend author needs three things: this package, the helpers in {@link
 * io.samsa.spi.format} (batch headers, checksums, recovery scans, index layouts), and the
 * conformance kit in {@code io.samsa:samsa-testkit}, whose {@code StorageConformanceTest} proves a
 * backend with one small subclass. The reference backend of the kit ({@code
 * io.samsa.testkit.memory.MemoryStorageProvider}, a few hundred lines), the {@code journal}
 * backend of the examples module ({@code io.samsa.examples.journal}, a complete on-disk backend
 * written from scratch) and the file backend ({@code io.samsa.storage.file}, built on {@link
 * io.samsa.spi.layout}) are the templates to read.
 */
package io.samsa.spi;
