package io.samsa;

import java.util.List;

/** No storage backend with the requested name was found on the class path or module path. */
public class UnknownBackendException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String requested;
  private final List<String> available;

  public UnknownBackendException(String requested, List<String> available) {
    super("unknown storage backend: backend=" + requested + ", available=" + available
        + " (add the backend's jar, e.g. io.samsa:samsa-storage-" + requested
        + ", to the class path or module path)");
    this.requested = requested;
    this.available = List.copyOf(available);
  }

  public String requested() {
    return requested;
  }

  /** The names of the backends that were found. */
  public List<String> available() {
    return available;
  }
}
