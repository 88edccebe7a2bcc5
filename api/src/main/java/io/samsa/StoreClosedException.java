package io.samsa;

import java.nio.file.Path;

/** The store (and with it every log, topic and reader it handed out) has been closed. */
public class StoreClosedException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  public StoreClosedException(Path directory) {
    super("store is closed: directory=" + directory);
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }
}
