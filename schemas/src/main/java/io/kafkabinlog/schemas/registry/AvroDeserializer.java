package io.kafkabinlog.schemas.registry;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for the Confluent wire format written by {@link AvroSerializer} (or
 * Confluent's serializer). Writer schemas are fetched by id and cached; if a reader schema is set
 * the record is resolved to it (Avro schema resolution), otherwise it is read with the writer
 * schema.
 *
 * <p>Configuration: {@value SchemaRegistryClient#URL_CONFIG} (or {@code schema.registry.url}),
 * optional {@value #READER_SCHEMA_CONFIG} (the reader schema as JSON text).
 */
public final class AvroDeserializer implements Deserializer<GenericRecord> {
  /** Optional reader schema (Avro schema JSON). */
  public static final String READER_SCHEMA_CONFIG = "avro.reader.schema";

  private SchemaRegistryClient client;
  private Schema readerSchema;
  private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; call {@link #configure}. */
  public AvroDeserializer() {}

  /** Ready to use; {@code readerSchema} may be null (read with the writer schema). */
  public AvroDeserializer(final SchemaRegistryClient client, final Schema readerSchema) {
    this.client = client;
    this.readerSchema = readerSchema;
  }

  static SchemaRegistryClient clientFrom(final Map<String, ?> configs) {
    Object url = configs.get(SchemaRegistryClient.URL_CONFIG);
    if (url == null) {
      url = configs.get("schema.registry.url");
    }
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException(
          "missing config " + SchemaRegistryClient.URL_CONFIG + " (e.g. http://127.0.0.1:8081)");
    }
    return new SchemaRegistryClient(url.toString().trim());
  }

  @Override
  public void configure(final Map<String, ?> configs, final boolean isKey) {
    this.client = clientFrom(configs);
    Object reader = configs.get(READER_SCHEMA_CONFIG);
    if (reader instanceof Schema s) {
      this.readerSchema = s;
    } else if (reader != null) {
      this.readerSchema = new Schema.Parser().parse(reader.toString());
    }
  }

  @Override
  public GenericRecord deserialize(final String topic, final byte[] data) {
    if (data == null) {
      return null;
    }
    if (client == null) {
      throw new SerializationException(
          "AvroDeserializer is not configured: set " + SchemaRegistryClient.URL_CONFIG);
    }
    int id;
    try {
      id = WireFormat.schemaId(data);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
    }
    GenericDatumReader<GenericRecord> reader = readers.get(id);
    if (reader == null) {
      Schema writer;
      try {
        writer = client.getById(id);
      } catch (SchemaRegistryException e) {
        if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
          throw new SerializationException(
              "unknown schema id "
                  + id
                  + " (topic "
                  + topic
                  + "): not found in the schema registry at "
                  + client.baseUrl(),
              e);
        }
        throw new SerializationException(
            "cannot fetch schema id " + id + " (topic " + topic + "): " + e.getMessage(), e);
      }
      reader = new GenericDatumReader<>(writer, readerSchema == null ? writer : readerSchema);
      readers.put(id, reader);
    }
    try {
      BinaryDecoder dec =
          DecoderFactory.get()
              .binaryDecoder(
                  data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
      return reader.read(null, dec);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot Avro-decode a record of schema id " + id + " (topic " + topic + "): " + e, e);
    }
  }
}
