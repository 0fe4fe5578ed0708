package io.kafkabinlog.schemas.registry;

/** Confluent's TopicNameStrategy: the subject of a topic's values/keys. */
public final class SubjectNames {
  private SubjectNames() {}

  /**
   * Confluent's TopicRecordNameStrategy: {@code <topic>-<record full name>}, for topics that carry
   * several record types (the ordering stream's txn and rows topics: transactions and resolved-ts
   * markers).
   */
  public static String topicRecordNameStrategy(final String topic, final String recordFullName) {
    return topic + "-" + recordFullName;
  }

  /** {@code <topic>-key} or {@code <topic>-value}. */
  public static String topicNameStrategy(final String topic, final boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
