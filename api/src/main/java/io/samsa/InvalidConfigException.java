package io.samsa;

/** A configuration value is unknown, malformed or out of range. */
public class InvalidConfigException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String value;

  public InvalidConfigException(String key, String value, String reason) {
    super("invalid config: key=" + key + ", value=" + value + ", reason=" + reason);
    this.key = key;
    this.value = value;
  }

  public String key() {
    return key;
  }

  public String value() {
    return value;
  }
}
