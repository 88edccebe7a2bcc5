package io.samsa;

/** A topic with this name already exists. */
public class TopicExistsException extends SamsaException {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public TopicExistsException(String topic) {
    super("topic already exists: topic=" + topic);
    this.topic = topic;
  }

  public String topic() {
    return topic;
  }
}
