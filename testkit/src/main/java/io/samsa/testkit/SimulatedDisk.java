package io.samsa.testkit;

import io.samsa.spi.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link FileIO} over the real file system that remembers every write not yet forced, so that
 * it can simulate a power cut: {@link #crash} stops the running store's I/O dead and then, file
 * by file, undoes what a real disk might not have kept.
 *
 * <h2>Crash model</h2>
 * <ul>
 *   <li>File contents: a write or truncation survives a crash only once the file was forced
 *       ({@code FileChannel.force}) after it. Unforced changes are lost ({@link CrashKind#DROP}),
 *       kept in order up to one torn at a random byte ({@link CrashKind#TEAR}), or torn and then
 *       damaged by one flipped byte ({@link CrashKind#FLIP}). Each file is cut independently, so
 *       unforced writes to different files may survive in any combination.
 *   <li>Unordered write-back ({@link CrashKind#REORDER}): each 512-byte sector written since the
 *       file's last force survives or not on its own, and the file keeps its old or new length.
 *   <li>Names: creating, renaming and deleting a file or directory is durable once the directory
 *       that holds it was synced ({@link FileIO#syncDirectory}) after the change; for a rename,
 *       both directories. A crash undoes the unsynced name changes, newest first: all of them
 *       ({@link CrashKind#DROP}) or all but a random prefix in the order they were made (the
 *       other kinds: a journaling file system commits them in order). An undone creation removes
 *       the file, forced or not; an undone deletion brings back what the file durably held; an
 *       undone rename puts the file back, and brings back the file it replaced.
 *   <li>Forced data is never touched.
 * </ul>
 *
 * <h2>Memory-mapped files</h2>
 * Once a file is mapped read-write (through {@link FileIO#map}), the disk keeps a durable image of
 * it instead of an undo log: the image takes the mapping's bytes at {@link FileIO#force(
 * MappedByteBuffer, int, int)} (msync, which also persists the file's length) and the whole file
 * at a channel force. A crash leaves the image ({@link CrashKind#DROP}), or the image with a
 * random subset of the dirty 512-byte sectors and the old or the new length ({@link
 * CrashKind#TEAR}: page write-back keeps no order), plus one flipped byte in a surviving dirty
 * sector ({@link CrashKind#FLIP}). Mapped files take that state when the next store opens (after
 * the dead one let go of its mappings), so what the dead store wrote into them meanwhile is lost
 * too.
 *
 * <p>How it undoes plain writes: before each write it saves the bytes the write will overwrite
 * and the old size; a crash restores them newest first, down to the chosen survivor.
 *
 * <p>Thread-safe; meant for tests of a few megabytes.
 */
public final class SimulatedDisk implements CrashSimulator {
  private final FileIO real = FileIO.standard();
  // Sorted, so that a crash with a given seed cuts the same files the same way every time.
  private final Map<Path, List<Change>> unforced = new TreeMap<>();
  /** Files mapped read-write: their durable image. */
  private final Map<Path, byte[]> images = new TreeMap<>();
  /** What mapped files must hold after the last crash, written again when the next store opens. */
  private final Map<Path, byte[]> afterCrash = new TreeMap<>();
  /** Name changes not yet durable, oldest first. */
  private final List<NameChange> unsyncedNames = new ArrayList<>();
  private static final int SECTOR = 512;
  private Session session = new Session();
  private long crashes;
  private long lostChanges;
  private long tornWrites;
  private long flippedBytes;

  /** An unforced change to a file, with what is needed to undo it. */
  private sealed interface Change permits Write, Truncate {}

  /** A write of {@code length} bytes at {@code position}; {@code overwritten} held the old bytes. */
  private record Write(long position, int length, long oldSize, byte[] overwritten) implements Change {}

  /** A truncation from {@code oldSize} to {@code newSize}, {@code removed} the bytes cut off. */
  private record Truncate(long newSize, long oldSize, byte[] removed) implements Change {}

  /**
   * A change of names, durable once each directory in {@code pending} was synced after it.
   * {@code durable}: for a removal or a replacing rename, what the removed or replaced file
   * durably held (null for a directory, or if nothing was replaced).
   */
  private record NameChange(Kind kind, Path path, Path to, byte[] durable, boolean directory,
      Set<Path> pending) {
    enum Kind { CREATED, REMOVED, RENAMED }
  }

  @Override
  public synchronized FileIO fileIO() {
    // The dead store may have written into its mappings since the crash: undo that first.
    for (Map.Entry<Path, byte[]> e : afterCrash.entrySet()) {
      try {
        writeWhole(e.getKey(), e.getValue());
      } catch (IOException ex) {
        throw new IllegalStateException("restoring " + e.getKey() + " after the crash failed", ex);
      }
    }
    afterCrash.clear();
    return session;
  }

  @Override
  public void crash(CrashKind kind, Random random) {
    synchronized (this) {
      session.kill();
      crashes++;
      try {
        for (Map.Entry<Path, List<Change>> e : unforced.entrySet()) {
          if (real.exists(e.getKey())) {
            cut(e.getKey(), e.getValue(), kind, random);
          }
        }
        // Mapped files are rewritten when the next store opens, once the dead one has let go of
        // its mappings: cutting a file under a live mapping would fault.
        for (Map.Entry<Path, byte[]> e : images.entrySet()) {
          if (real.exists(e.getKey())) {
            afterCrash.put(e.getKey(), cutMapped(e.getKey(), e.getValue(), kind, random));
          }
        }
        undoNames(kind, random);
      } catch (IOException e) {
        throw new IllegalStateException("simulating the crash failed", e);
      }
      unforced.clear();
      images.clear();
      session = new Session();
    }
  }

  /** An I/O call that {@link #failNext} can make fail. */
  public enum Operation {
    WRITE, FORCE, TRUNCATE
  }

  private final List<Fault> faults = new ArrayList<>();

  private record Fault(Operation operation, java.util.function.Predicate<Path> where) {}

  /**
   * Makes the next {@code operation} on a file matching {@code where} fail with an {@link
   * IOException} and have no effect, as a full disk or a failing device would.
   */
  public synchronized void failNext(Operation operation, java.util.function.Predicate<Path> where) {
    faults.add(new Fault(operation, where));
  }

  private void injectFault(Operation operation, Path file) throws IOException {
    for (java.util.Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.operation() == operation && f.where().test(file)) {
        it.remove();
        throw new IOException("simulated I/O error: " + operation + " of " + file);
      }
    }
  }

  /** Crashes simulated so far. */
  public synchronized long crashes() {
    return crashes;
  }

  /** Faults asked for with {@link #failNext} that no call has met yet. */
  public synchronized int pendingFaults() {
    return faults.size();
  }

  /** Unforced writes and truncations lost in crashes so far. */
  public synchronized long lostChanges() {
    return lostChanges;
  }

  /** Writes torn part-way in crashes so far. */
  public synchronized long tornWrites() {
    return tornWrites;
  }

  /** Bytes flipped in crashes so far. */
  public synchronized long flippedBytes() {
    return flippedBytes;
  }

  // ---------------------------------------------------------------------------------------------

  /** Undoes a file's unforced changes as the crash kind says. */
  private void cut(Path file, List<Change> changes, CrashKind kind, Random random) throws IOException {
    if (kind == CrashKind.REORDER) {
      byte[] durable = durableContent(file, changes);
      writeWhole(file, cutSectors(Files.readAllBytes(file), durable, random));
      return;
    }
    int survivors = kind == CrashKind.DROP ? 0 : random.nextInt(changes.size() + 1);
    try (FileChannel ch = real.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int i = changes.size() - 1; i > survivors; i--) {
        undo(ch, changes.get(i), 0);
        lostChanges++;
      }
      // The first change after the survivors is torn (or, for a truncation, lost whole).
      long tornAt = -1;
      int tornLength = 0;
      if (survivors < changes.size()) {
        Change c = changes.get(survivors);
        if (kind != CrashKind.DROP && c instanceof Write w && w.length() > 0) {
          tornLength = random.nextInt(w.length());
          tornAt = w.position();
          tornWrites++;
        } else {
          lostChanges++;
        }
        undo(ch, c, tornLength);
      }
      if (kind == CrashKind.FLIP) {
        flipOne(ch, changes.subList(0, survivors), tornAt, tornLength, random);
      }
    }
  }

  /** What a mapped file holds after a crash: its image, and perhaps some dirty sectors. */
  private byte[] cutMapped(Path file, byte[] image, CrashKind kind, Random random) throws IOException {
    byte[] now = Files.readAllBytes(file);
    if (kind == CrashKind.DROP) {
      lostChanges += Arrays.equals(now, image) ? 0 : 1;
      return image;
    }
    int length = random.nextBoolean() ? image.length : now.length;
    byte[] after = Arrays.copyOf(image, length);
    List<Integer> survivors = new ArrayList<>();
    for (int sector = 0; sector * SECTOR < length; sector++) {
      int from = sector * SECTOR;
      int to = Math.min(length, from + SECTOR);
      int nowTo = Math.min(to, now.length);
      boolean dirty = !Arrays.equals(now, Math.min(from, nowTo), nowTo, after, from, to) || nowTo < to;
      if (dirty) {
        if (random.nextBoolean()) {
          // The sector as written now; past the current end of the file it reads as zeros.
          Arrays.fill(after, from, to, (byte) 0);
          if (nowTo > from) {
            System.arraycopy(now, from, after, from, nowTo - from);
          }
          survivors.add(sector);
          tornWrites++;
        } else {
          lostChanges++;
        }
      }
    }
    if (kind == CrashKind.FLIP && !survivors.isEmpty()) {
      // Only a byte that was written since the image: durable bytes sharing the sector stay.
      List<Integer> written = new ArrayList<>();
      for (int sector : survivors) {
        for (int i = sector * SECTOR; i < Math.min(length, sector * SECTOR + SECTOR); i++) {
          if (i >= image.length || i >= now.length || now[i] != image[i]) {
            written.add(i);
          }
        }
      }
      if (!written.isEmpty()) {
        int at = written.get(random.nextInt(written.size()));
        after[at] ^= (byte) (1 + random.nextInt(255));
        flippedBytes++;
      }
    }
    return after;
  }

  /**
   * {@code durable} with a random subset of the sectors that differ in {@code now}, and the old or
   * the new length: write-back in no order.
   */
  private byte[] cutSectors(byte[] now, byte[] durable, Random random) {
    int length = random.nextBoolean() ? durable.length : now.length;
    byte[] after = Arrays.copyOf(durable, length);
    for (int from = 0; from < length; from += SECTOR) {
      int to = Math.min(length, from + SECTOR);
      int nowTo = Math.min(to, now.length);
      boolean dirty = !Arrays.equals(now, Math.min(from, nowTo), nowTo, after, from, to) || nowTo < to;
      if (dirty) {
        if (random.nextBoolean()) {
          Arrays.fill(after, from, to, (byte) 0); // past the file's end it reads as zeros
          if (nowTo > from) {
            System.arraycopy(now, from, after, from, nowTo - from);
          }
          tornWrites++;
        } else {
          lostChanges++;
        }
      }
    }
    return after;
  }

  /** What a file durably holds: its content with its unforced changes undone. */
  private byte[] durableContent(Path file, List<Change> changes) throws IOException {
    if (images.containsKey(file)) {
      return images.get(file);
    }
    byte[] now = real.exists(file) ? Files.readAllBytes(file) : new byte[0];
    if (changes == null || changes.isEmpty()) {
      return now;
    }
    Path scratch = Files.createTempFile("samsa-durable", ".bin");
    try (FileChannel copy = FileChannel.open(scratch, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE)) {
      writeFully(copy, ByteBuffer.wrap(now), 0);
      for (int i = changes.size() - 1; i >= 0; i--) {
        undo(copy, changes.get(i), 0);
      }
      ByteBuffer b = ByteBuffer.allocate((int) copy.size());
      while (b.hasRemaining() && copy.read(b, b.position()) >= 0) {
        // read it all
      }
      return b.array();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Names

  private synchronized void nameChanged(NameChange c) {
    unsyncedNames.add(c);
  }

  private synchronized void directorySynced(Path dir) {
    for (java.util.Iterator<NameChange> it = unsyncedNames.iterator(); it.hasNext(); ) {
      NameChange c = it.next();
      c.pending().remove(dir);
      if (c.pending().isEmpty()) {
        it.remove();
      }
    }
  }

  /** Undoes the name changes a crash loses, newest first. Called after the contents were cut. */
  private void undoNames(CrashKind kind, Random random) throws IOException {
    int survivors = kind == CrashKind.DROP || unsyncedNames.isEmpty() ? 0
        : random.nextInt(unsyncedNames.size() + 1);
    for (int i = unsyncedNames.size() - 1; i >= survivors; i--) {
      NameChange c = unsyncedNames.get(i);
      switch (c.kind()) {
        case CREATED -> {
          forget(c.path());
          if (c.directory()) {
            real.deleteRecursively(c.path());
          } else {
            real.deleteIfExists(c.path());
          }
        }
        case REMOVED -> {
          if (c.directory()) {
            real.createDirectories(c.path());
          } else if (real.isDirectory(c.path().getParent())) {
            writeNew(c.path(), c.durable());
          }
        }
        case RENAMED -> {
          if (real.exists(c.to())) {
            forget(c.path());
            real.move(c.to(), c.path());
            moved(c.to(), c.path());
            byte[] image = afterCrash.remove(c.to());
            if (image != null) {
              afterCrash.put(c.path(), image);
            }
          }
          if (c.durable() != null) {
            writeNew(c.to(), c.durable());
          }
        }
      }
      lostChanges++;
    }
    unsyncedNames.clear();
  }

  /** Stops tracking a file, or everything below a directory, that a crash removes. */
  private void forget(Path path) {
    unforced.keySet().removeIf(p -> p.startsWith(path));
    images.keySet().removeIf(p -> p.startsWith(path));
    afterCrash.keySet().removeIf(p -> p.startsWith(path));
  }

  private void writeNew(Path file, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, ByteBuffer.wrap(content), 0);
    }
  }

  /** Names pending for a change of {@code path}: its directory. */
  private static Set<Path> pendingIn(Path... paths) {
    Set<Path> dirs = new HashSet<>();
    for (Path p : paths) {
      dirs.add(p.getParent());
    }
    return dirs;
  }

  private void writeWhole(Path file, byte[] content) throws IOException {
    try (FileChannel ch = real.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(content.length);
      writeFully(ch, ByteBuffer.wrap(content), 0);
    }
  }

  /** Undoes {@code c}, keeping its first {@code keep} bytes if it is a write. */
  private static void undo(FileChannel ch, Change c, int keep) throws IOException {
    if (c instanceof Write w) {
      byte[] old = w.overwritten();
      if (keep < old.length) {
        writeFully(ch, ByteBuffer.wrap(old, keep, old.length - keep), w.position() + keep);
      }
      long size = Math.max(w.oldSize(), keep == 0 ? w.oldSize() : w.position() + keep);
      if (ch.size() > size) {
        ch.truncate(size);
      }
    } else if (c instanceof Truncate t) {
      writeFully(ch, ByteBuffer.wrap(t.removed()), t.newSize());
    }
  }

  /** Flips one byte among those that survived unforced: whole survivors and the torn prefix. */
  private void flipOne(FileChannel ch, List<Change> survivors, long tornAt, int tornLength,
      Random random) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    long total = 0;
    long size = ch.size();
    for (Change c : survivors) {
      if (c instanceof Write w && w.length() > 0) {
        long end = Math.min(w.position() + w.length(), size);
        if (end > w.position()) {
          ranges.add(new long[] {w.position(), end});
          total += end - w.position();
        }
      }
    }
    if (tornLength > 0) {
      long end = Math.min(tornAt + tornLength, size);
      if (end > tornAt) {
        ranges.add(new long[] {tornAt, end});
        total += end - tornAt;
      }
    }
    if (total == 0) {
      return;
    }
    long pick = (long) (random.nextDouble() * total);
    for (long[] r : ranges) {
      long len = r[1] - r[0];
      if (pick < len) {
        long at = r[0] + pick;
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ (1 + random.nextInt(255))));
        b.clear();
        ch.write(b, at);
        flippedBytes++;
        return;
      }
      pick -= len;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
    long at = position;
    while (src.hasRemaining()) {
      at += ch.write(src, at);
    }
  }

  private static byte[] readRange(FileChannel ch, long from, long to) throws IOException {
    if (to <= from) {
      return new byte[0];
    }
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(to - from));
    while (b.hasRemaining()) {
      if (ch.read(b, from + b.position()) < 0) {
        break;
      }
    }
    return b.array();
  }

  private static Path key(Path p) {
    return p.toAbsolutePath().normalize();
  }

  // Bookkeeping, called by the tracked channels and the session.

  private synchronized int write(Session s, Path file, FileChannel ch, ByteBuffer src, long position)
      throws IOException {
    s.checkAlive();
    injectFault(Operation.WRITE, file);
    long oldSize = ch.size();
    int length = src.remaining();
    byte[] overwritten = readRange(ch, position, Math.min(position + length, oldSize));
    unforced.computeIfAbsent(file, f -> new ArrayList<>())
        .add(new Write(position, length, oldSize, overwritten));
    int written = 0;
    while (src.hasRemaining()) {
      written += ch.write(src, position + written);
    }
    return written;
  }

  private synchronized void truncate(Session s, Path file, FileChannel ch, long size) throws IOException {
    s.checkAlive();
    injectFault(Operation.TRUNCATE, file);
    long oldSize = ch.size();
    if (size < oldSize) {
      unforced.computeIfAbsent(file, f -> new ArrayList<>())
          .add(new Truncate(size, oldSize, readRange(ch, size, oldSize)));
      ch.truncate(size);
    }
  }

  private synchronized void forced(Path file) throws IOException {
    unforced.remove(file);
    if (images.containsKey(file)) {
      images.put(file, Files.readAllBytes(file)); // fsync persists mapped pages too
    }
  }

  private synchronized void moved(Path from, Path to) {
    List<Change> changes = unforced.remove(from);
    unforced.remove(to);
    if (changes != null) {
      unforced.put(to, changes);
    }
    byte[] image = images.remove(from);
    images.remove(to);
    if (image != null) {
      images.put(to, image);
    }
  }

  private synchronized void deleted(Path file) {
    unforced.remove(file);
    images.remove(file);
  }

  /**
   * A file is mapped read-write: from now on its durability is an image. The image starts as
   * what the disk holds now, that is the file with its unforced plain writes undone.
   */
  private synchronized void mappedReadWrite(Path file, FileChannel ch) throws IOException {
    if (images.containsKey(file)) {
      return;
    }
    List<Change> changes = unforced.remove(file);
    if (changes != null && !changes.isEmpty() && firstOldSize(changes.get(0)) == 0) {
      images.put(file, new byte[0]); // created since the last force: nothing of it is durable
      return;
    }
    byte[] durable = Files.readAllBytes(file);
    if (changes != null) {
      try (FileChannel copy = FileChannel.open(Files.createTempFile("samsa-image", ".bin"),
          StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
        writeFully(copy, ByteBuffer.wrap(durable), 0);
        for (int i = changes.size() - 1; i >= 0; i--) {
          undo(copy, changes.get(i), 0);
        }
        ByteBuffer b = ByteBuffer.allocate((int) copy.size());
        while (b.hasRemaining() && copy.read(b, b.position()) >= 0) {
          // read it all
        }
        durable = b.array();
      }
    }
    images.put(file, durable);
  }

  private static long firstOldSize(Change c) {
    return c instanceof Write w ? w.oldSize() : ((Truncate) c).oldSize();
  }

  /** msync of a mapped range: those bytes, and the file's length, are durable. */
  private synchronized void forcedMapped(Path file, long from, int length) throws IOException {
    byte[] image = images.get(file);
    if (image == null) {
      return;
    }
    try (FileChannel ch = real.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      byte[] updated = image.length == size ? image : Arrays.copyOf(image, Math.toIntExact(size));
      long end = Math.min(size, from + length);
      if (end > from) {
        byte[] range = readRange(ch, from, end);
        System.arraycopy(range, 0, updated, (int) from, range.length);
      }
      images.put(file, updated);
    }
  }

  /** The file system one store instance sees; dead after a crash. */
  private final class Session implements FileIO {
    private volatile boolean dead;
    private final Set<FileChannel> channels = new HashSet<>();
    private final Map<MappedByteBuffer, long[]> mapped = java.util.Collections.synchronizedMap(
        new java.util.IdentityHashMap<>());
    private final Map<MappedByteBuffer, Path> mappedFiles = java.util.Collections.synchronizedMap(
        new java.util.IdentityHashMap<>());

    void checkAlive() throws IOException {
      if (dead) {
        throw new IOException("simulated power cut: this store instance's I/O is dead");
      }
    }

    void kill() {
      dead = true;
      synchronized (channels) {
        for (FileChannel ch : channels) {
          try {
            ch.close();
          } catch (IOException ignored) {
            // it is a crash: nothing is flushed or cleaned up
          }
        }
        channels.clear();
      }
    }

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
      checkAlive();
      Set<OpenOption> opts = new HashSet<>(options);
      boolean truncate = opts.remove(StandardOpenOption.TRUNCATE_EXISTING);
      if (opts.contains(StandardOpenOption.WRITE)) {
        opts.add(StandardOpenOption.READ); // the undo log reads what a write overwrites
      }
      Path k = key(file);
      boolean existed = real.exists(k);
      FileChannel ch = FileChannel.open(file, opts);
      if (!existed) {
        nameChanged(new NameChange(NameChange.Kind.CREATED, k, null, null, false, pendingIn(k)));
      }
      synchronized (channels) {
        if (dead) {
          ch.close();
          checkAlive();
        }
        channels.add(ch);
      }
      Tracked tracked = new Tracked(this, key(file), ch);
      if (truncate && opts.contains(StandardOpenOption.WRITE)) {
        tracked.truncate(0);
      }
      return tracked;
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
      checkAlive();
      List<Path> created = new ArrayList<>();
      for (Path p = key(dir); p != null && !real.exists(p); p = p.getParent()) {
        created.add(0, p);
      }
      real.createDirectories(dir);
      for (Path p : created) {
        nameChanged(new NameChange(NameChange.Kind.CREATED, p, null, null, true, pendingIn(p)));
      }
    }

    @Override
    public void move(Path source, Path target) throws IOException {
      checkAlive();
      Path from = key(source);
      Path to = key(target);
      byte[] replaced;
      synchronized (SimulatedDisk.this) {
        replaced = real.exists(to) && !real.isDirectory(to) ? durableContent(to, unforced.get(to)) : null;
      }
      real.move(source, target);
      moved(from, to);
      nameChanged(new NameChange(NameChange.Kind.RENAMED, from, to, replaced, real.isDirectory(to),
          pendingIn(from, to)));
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
      checkAlive();
      Path k = key(path);
      if (!real.exists(k)) {
        return;
      }
      boolean directory = real.isDirectory(k);
      byte[] durable;
      synchronized (SimulatedDisk.this) {
        durable = directory ? null : durableContent(k, unforced.get(k));
      }
      real.deleteIfExists(path);
      deleted(k);
      nameChanged(new NameChange(NameChange.Kind.REMOVED, k, null, durable, directory, pendingIn(k)));
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
      checkAlive();
      directorySynced(key(dir));
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
      checkAlive();
      return real.list(dir);
    }

    @Override
    public MappedByteBuffer map(FileChannel channel, FileChannel.MapMode mode, long position, long size)
        throws IOException {
      checkAlive();
      Tracked tracked = (Tracked) channel;
      MappedByteBuffer m = tracked.ch.map(mode, position, size);
      if (mode == FileChannel.MapMode.READ_WRITE) {
        mappedReadWrite(tracked.file, tracked.ch);
        mapped.put(m, new long[] {position});
        mappedFiles.put(m, tracked.file);
      }
      return m;
    }

    @Override
    public void force(MappedByteBuffer mapping, int index, int length) throws IOException {
      checkAlive();
      synchronized (SimulatedDisk.this) {
        Path file = mappedFiles.get(mapping);
        if (file != null) {
          injectFault(Operation.FORCE, file);
        }
      }
      mapping.force(index, length);
      Path file = mappedFiles.get(mapping);
      if (file != null) {
        forcedMapped(file, mapped.get(mapping)[0] + index, length);
      }
    }

    @Override
    public void unmap(MappedByteBuffer mapping) throws IOException {
      // Allowed even when dead: a dead store must still be able to let go of its mappings.
      mapped.remove(mapping);
      mappedFiles.remove(mapping);
      FileIO.standard().unmap(mapping);
    }

    @Override
    public boolean exists(Path path) {
      return real.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
      return real.isDirectory(path);
    }

    @Override
    public String toString() {
      return "SimulatedDisk.Session" + (dead ? "(dead)" : "");
    }
  }

  /** A file channel whose writes, truncations and forces are recorded. */
  private final class Tracked extends FileChannel {
    private final Session session;
    private final Path file;
    private final FileChannel ch;

    Tracked(Session session, Path file, FileChannel ch) {
      this.session = session;
      this.file = file;
      this.ch = ch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      session.checkAlive();
      return ch.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      session.checkAlive();
      return ch.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      session.checkAlive();
      return ch.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return SimulatedDisk.this.write(session, file, ch, src, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      long position = ch.position();
      int n = write(src, position);
      ch.position(position + n);
      return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += write(srcs[i]);
      }
      return total;
    }

    @Override
    public long position() throws IOException {
      session.checkAlive();
      return ch.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      session.checkAlive();
      ch.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      session.checkAlive();
      return ch.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      SimulatedDisk.this.truncate(session, file, ch, size);
      if (ch.position() > size) {
        ch.position(size);
      }
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      session.checkAlive();
      synchronized (SimulatedDisk.this) {
        injectFault(Operation.FORCE, file);
      }
      ch.force(metaData);
      forced(file);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      session.checkAlive();
      return ch.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
      long done = 0;
      while (done < count) {
        buf.clear().limit((int) Math.min(buf.capacity(), count - done));
        int n = src.read(buf);
        if (n <= 0) {
          break;
        }
        buf.flip();
        done += write(buf, position + done);
      }
      return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      session.checkAlive();
      if (mode != MapMode.READ_ONLY) {
        throw new UnsupportedOperationException("map read-write through FileIO.map, so that the "
            + "simulated disk sees the mapping: channel.map cannot be tracked");
      }
      return ch.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      session.checkAlive();
      return ch.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      session.checkAlive();
      return ch.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      ch.close();
      synchronized (session.channels) {
        session.channels.remove(ch);
      }
    }
  }
}
