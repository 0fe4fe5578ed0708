package io.kafkabinlog.common.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@code [kafka]} table every component shares: where the brokers are, the topic prefix, and
 * {@code [kafka.client]} properties handed to the Kafka clients unchanged (SASL, SSL, timeouts).
 */
public final class KafkaSection {
  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
  public static final String TOPIC_PREFIX = "kafka.topic-prefix";

  /** Everything under this prefix is passed to the Kafka clients without the prefix. */
  public static final String CLIENT_PREFIX = "kafka.client.";

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_TOPIC_PREFIX = "binlog";

  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:/]+:\\d{1,5}");
  private static final Pattern TOPIC_PREFIX_CHARS = Pattern.compile("[a-z0-9][a-z0-9.-]{0,99}");

  private KafkaSection() {}

  /** Adds the section's keys to a component's definition. */
  public static ConfigDef define(final ConfigDef definition) {
    return definition
        .define(
            BOOTSTRAP_SERVERS,
            ConfigDef.Type.LIST,
            DEFAULT_BOOTSTRAP_SERVERS,
            KafkaSection::validateHostPorts,
            ConfigDef.Importance.HIGH,
            "Kafka brokers to bootstrap from, as host:port.")
        .define(
            TOPIC_PREFIX,
            ConfigDef.Type.STRING,
            DEFAULT_TOPIC_PREFIX,
            KafkaSection::validateTopicPrefix,
            ConfigDef.Importance.MEDIUM,
            "Prefix of every topic, consumer group and application id of this deployment.");
  }

  /** Reads the section; problems go to the reader like any other key's. */
  public static KafkaSettings read(final ConfigReader reader) {
    return new KafkaSettings(
        reader.getList(BOOTSTRAP_SERVERS),
        reader.getString(TOPIC_PREFIX),
        reader.passThrough(CLIENT_PREFIX));
  }

  private static void validateHostPorts(final String name, final Object value) {
    final List<?> servers = (List<?>) value;
    if (servers.isEmpty()) {
      throw new ConfigException(name, value, "needs at least one host:port");
    }
    for (final Object server : servers) {
      if (!HOST_PORT.matcher(String.valueOf(server).trim()).matches()) {
        throw new ConfigException(name, value, "'" + server + "' is not host:port");
      }
    }
  }

  private static void validateTopicPrefix(final String name, final Object value) {
    if (!TOPIC_PREFIX_CHARS.matcher(String.valueOf(value)).matches()) {
      throw new ConfigException(
          name, value, "use 1-100 characters of [a-z0-9.-], starting with a letter or digit");
    }
  }

  /**
   * The settings as read.
   *
   * @param bootstrapServers host:port pairs
   * @param topicPrefix prefix of every Kafka name
   * @param clientProperties extra client properties, passed unchanged
   */
  public record KafkaSettings(
      List<String> bootstrapServers, String topicPrefix, Map<String, String> clientProperties) {
    public KafkaSettings {
      bootstrapServers = List.copyOf(bootstrapServers);
      clientProperties = Map.copyOf(clientProperties);
    }

    /** {@code bootstrap.servers} as the clients want it. */
    public String bootstrapServersString() {
      return String.join(",", bootstrapServers);
    }
  }
}
