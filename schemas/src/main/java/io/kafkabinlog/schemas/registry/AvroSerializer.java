package io.kafkabinlog.schemas.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer for Avro {@link GenericRecord}s in the Confluent wire format (magic 0, 4-byte
 * big-endian schema id, Avro binary). The record's schema is registered under the topic's subject
 * (TopicNameStrategy: {@code <topic>-value} / {@code <topic>-key}).
 *
 * <p>Configuration: {@value SchemaRegistryClient#URL_CONFIG} (required unless a client is given to
 * the constructor; {@code schema.registry.url} is accepted too), {@value #AUTO_REGISTER_CONFIG}
 * (default true; when false the schema must already be registered and is only looked up).
 */
public final class AvroSerializer implements Serializer<GenericRecord> {
  /** Register schemas on first use (true, default) or only look them up (false). */
  public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";

  /**
   * Subject naming: Confluent's class names are accepted, {@code TopicNameStrategy} (default) or
   * {@code TopicRecordNameStrategy} (several record types on one topic).
   */
  public static final String VALUE_SUBJECT_STRATEGY_CONFIG = "value.subject.name.strategy";

  private SchemaRegistryClient client;
  private boolean isKey;
  private boolean topicRecordNames;
  private boolean autoRegister = true;
  private final Map<Schema, Integer> lookedUp = new java.util.concurrent.ConcurrentHashMap<>();

  /** For Kafka's reflective construction; call {@link #configure}. */
  public AvroSerializer() {}

  /** Ready to use with {@code client}, for values ({@code isKey} false) or keys. */
  public AvroSerializer(final SchemaRegistryClient client, final boolean isKey) {
    this(client, isKey, false);
  }

  /**
   * Ready to use; {@code topicRecordNames} selects TopicRecordNameStrategy ({@code <topic>-<record
   * full name>}) instead of TopicNameStrategy.
   */
  public AvroSerializer(
      final SchemaRegistryClient client, final boolean isKey, final boolean topicRecordNames) {
    this.client = client;
    this.isKey = isKey;
    this.topicRecordNames = topicRecordNames;
  }

  @Override
  public void configure(final Map<String, ?> configs, final boolean isKey) {
    this.isKey = isKey;
    this.client = AvroDeserializer.clientFrom(configs);
    Object strategy = configs.get(VALUE_SUBJECT_STRATEGY_CONFIG);
    if (strategy != null) {
      String name = strategy.toString();
      if (name.endsWith("TopicRecordNameStrategy")) {
        this.topicRecordNames = true;
      } else if (!name.endsWith("TopicNameStrategy")) {
        throw new org.apache.kafka.common.config.ConfigException(
            VALUE_SUBJECT_STRATEGY_CONFIG,
            name,
            "supported: TopicNameStrategy, TopicRecordNameStrategy");
      }
    }
    Object auto = configs.get(AUTO_REGISTER_CONFIG);
    if (auto != null) {
      this.autoRegister = Boolean.parseBoolean(auto.toString());
    }
  }

  @Override
  public byte[] serialize(final String topic, final GenericRecord record) {
    if (record == null) {
      return null;
    }
    if (client == null) {
      throw new SerializationException(
          "AvroSerializer is not configured: set " + SchemaRegistryClient.URL_CONFIG);
    }
    String subject =
        topicRecordNames
            ? SubjectNames.topicRecordNameStrategy(topic, record.getSchema().getFullName())
            : SubjectNames.topicNameStrategy(topic, isKey);
    Schema schema = record.getSchema();
    int id;
    try {
      id = autoRegister ? client.register(subject, schema) : lookup(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "cannot get a schema id for subject '"
              + subject
              + "' (topic "
              + topic
              + "): "
              + e.getMessage(),
          e);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      out.write(WireFormat.MAGIC_BYTE);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot Avro-encode a " + schema.getFullName() + " for topic " + topic + ": " + e, e);
    }
  }

  private int lookup(final String subject, final Schema schema) {
    Integer id = lookedUp.get(schema);
    if (id == null) {
      id = client.lookup(subject, schema).id();
      lookedUp.put(schema, id);
    }
    return id;
  }
}
