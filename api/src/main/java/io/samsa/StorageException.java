package io.samsa;

/**
 * The storage under a log failed: an I/O error, a full disk, a backend fault. The message names
 * the partition or file and the operation; the cause is the original error. An append that fails
 * this way has left the log as it was before the append.
 */
public class StorageException extends SamsaException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
