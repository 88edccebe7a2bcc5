package io.samsa;

import java.nio.file.Path;

/**
 * Another store, in this process or another, has the directory open. Only one store may use a
 * directory at a time; the store holding it is not disturbed.
 */
public class StoreLockedException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final transient Path lockFile;

  public StoreLockedException(Path lockFile) {
    super("store directory is in use by another store: lockFile=" + lockFile
        + " (close the other store first; one store per directory)");
    this.lockFile = lockFile;
  }

  public Path lockFile() {
    return lockFile;
  }
}
