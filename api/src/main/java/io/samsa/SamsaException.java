package io.samsa;

/**
 * The base of every exception Samsa throws. All are unchecked; each subclass carries the values
 * that describe what went wrong as fields, and its message has the shape {@code what went wrong:
 * key=value, key=value}.
 */
public class SamsaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SamsaException(String message) {
    super(message);
  }

  public SamsaException(String message, Throwable cause) {
    super(message, cause);
  }
}
