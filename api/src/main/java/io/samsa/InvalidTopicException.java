package io.samsa;

/** A topic name breaks the naming rules; nothing was created. */
public class InvalidTopicException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public InvalidTopicException(String topic, String reason) {
    super("invalid topic name: topic=" + (topic == null ? "null" : '"' + topic + '"') + ", reason="
        + reason + " (allowed: 1 to 249 characters from [a-zA-Z0-9._-], not \".\" or \"..\")");
    this.topic = topic;
  }

  public String topic() {
    return topic;
  }
}
