package io.kafkabinlog.schemas.registry;

/** Confluent's TopicNameStrategy: the subject of a topic's values/keys. */
public final class SubjectNames {
  private SubjectNames() {}

  /** {@code <topic>-key} or {@code <topic>-value}. */
  public static String topicNameStrategy(final String topic, final boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
