package io.samsa.core.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedFileIOTest {
  @TempDir Path dir;

  private static final StandardOpenOption[] CREATE = {StandardOpenOption.CREATE,
      StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING};

  /** Descriptors of this process that point into the test's directory. */
  private long descriptorsInto(Path where) throws IOException {
    long n = 0;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(where)) {
            n++;
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    }
    return n;
  }

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readAll(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
    while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
      // positional reads until full
    }
    return new String(buf.array(), StandardCharsets.UTF_8);
  }

  @Test
  void manyFiles_writtenAndReadBack_neverHoldMoreDescriptorsThanTheBound() throws IOException {
    try (BoundedFileIO io = new BoundedFileIO(FileIO.standard(), 5)) {
      List<FileChannel> channels = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        FileChannel ch = io.open(dir.resolve("f" + i), CREATE);
        ch.write(text("file " + i + ";"), 0);
        channels.add(ch);
        assertTrue(descriptorsInto(dir) <= 5, "open descriptors: " + descriptorsInto(dir));
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < channels.size(); i++) {
          FileChannel ch = channels.get(i);
          ch.write(text("r" + round + ";"), ch.size());
          assertTrue(descriptorsInto(dir) <= 5, "open descriptors: " + descriptorsInto(dir));
        }
      }
      for (int i = 0; i < channels.size(); i++) {
        assertEquals("file " + i + ";r0;r1;r2;", readAll(channels.get(i)));
      }
      assertTrue(io.opens() > 200, "files were reopened: opens=" + io.opens());
      for (FileChannel ch : channels) {
        ch.close();
      }
      assertEquals(0, descriptorsInto(dir));
    }
  }

  @Test
  void reopen_afterEviction_neverTruncatesOrRecreatesTheFile() throws IOException {
    try (BoundedFileIO io = new BoundedFileIO(FileIO.standard(), 1)) {
      FileChannel a = io.open(dir.resolve("a"), CREATE);
      a.write(text("kept"), 0);
      FileChannel b = io.open(dir.resolve("b"), CREATE); // evicts a's descriptor
      b.write(text("x"), 0);
      assertEquals("kept", readAll(a));
      b.write(text("y"), 1); // evicts a's descriptor again
      Files.delete(dir.resolve("a"));
      assertThrows(java.nio.file.NoSuchFileException.class, () -> a.write(text("y"), 0),
          "a reopen must not create the file again");
      a.close();
      b.close();
    }
  }

  @Test
  void relativeOperations_keepTheChannelsOwnPosition_acrossReopens() throws IOException {
    try (BoundedFileIO io = new BoundedFileIO(FileIO.standard(), 1)) {
      FileChannel a = io.open(dir.resolve("a"), CREATE);
      FileChannel b = io.open(dir.resolve("b"), CREATE);
      a.write(text("hello "));
      b.write(text("other"));
      a.write(new ByteBuffer[] {text("wor"), text("ld")});
      assertEquals(11, a.position());
      a.position(0);
      ByteBuffer first = ByteBuffer.allocate(5);
      a.read(first);
      assertEquals("hello", new String(first.array(), StandardCharsets.UTF_8));
      assertEquals(5, a.position());
      a.truncate(3);
      assertEquals(3, a.position());
      assertEquals("hel", readAll(a));
      a.close();
      b.close();
    }
  }

  @Test
  void descriptorInUse_isNotClosedByEviction_andClosesWhenTheOperationEnds() throws Exception {
    try (BoundedFileIO io = new BoundedFileIO(FileIO.standard(), 1)) {
      FileChannel a = io.open(dir.resolve("a"), CREATE);
      byte[] content = new byte[64 * 1024];
      new java.util.Random(7).nextBytes(content);
      a.write(ByteBuffer.wrap(content), 0);
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
      WritableByteChannel slow = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) {
          inside.countDown();
          try {
            proceed.await(); // the transfer is in flight while other files evict a's descriptor
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          int n = src.remaining();
          byte[] bytes = new byte[n];
          src.get(bytes);
          sink.write(bytes, 0, n);
          return n;
        }

        @Override
        public boolean isOpen() {
          return true;
        }

        @Override
        public void close() {}
      };
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try {
          long done = 0;
          while (done < content.length) {
            done += a.transferTo(done, content.length - done, slow);
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      reader.start();
      assertTrue(inside.await(30, TimeUnit.SECONDS));
      List<FileChannel> others = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        FileChannel o = io.open(dir.resolve("o" + i), CREATE);
        o.write(text("o"), 0);
        others.add(o);
      }
      assertEquals(1, io.cachedDescriptors());
      proceed.countDown();
      reader.join(30_000);
      assertEquals(null, failure.get());
      assertArrayEquals(content, sink.toByteArray());
      for (FileChannel o : others) {
        o.close();
      }
      a.close();
      assertEquals(0, descriptorsInto(dir));
    }
  }

  @Test
  void interruptedReader_failsAlone_andTheChannelServesOthersAfterwards() throws Exception {
    try (BoundedFileIO io = new BoundedFileIO(FileIO.standard(), 4)) {
      FileChannel a = io.open(dir.resolve("a"), CREATE);
      a.write(text("still here"), 0);
      AtomicReference<Throwable> seen = new AtomicReference<>();
      Thread t = new Thread(() -> {
        Thread.currentThread().interrupt();
        try {
          a.read(ByteBuffer.allocate(4), 0);
        } catch (Throwable e) {
          seen.set(e);
        }
      });
      t.start();
      t.join(30_000);
      assertTrue(seen.get() instanceof ClosedByInterruptException, "got " + seen.get());
      assertTrue(a.isOpen(), "an interrupt of one reader must not close the channel");
      assertEquals("still here", readAll(a));
      a.close();
    }
  }

  @Test
  void closedChannel_refusesOperations_andLocksAreRefused() throws IOException {
    try (BoundedFileIO io = new BoundedFileIO(FileIO.standard(), 4)) {
      FileChannel a = io.open(dir.resolve("a"), CREATE);
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, a::tryLock);
      assertTrue(e.getMessage().contains(dir.resolve("a").toString()), e.getMessage());
      a.close();
      assertThrows(ClosedChannelException.class, () -> a.read(ByteBuffer.allocate(1), 0));
      assertThrows(ClosedChannelException.class, a::size);
      assertEquals(0, descriptorsInto(dir));
    }
  }

  @Test
  void bound_belowOne_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new BoundedFileIO(FileIO.standard(), 0));
    assertTrue(e.getMessage().contains("maxOpenFiles must be >= 1"), e.getMessage());
  }
}
