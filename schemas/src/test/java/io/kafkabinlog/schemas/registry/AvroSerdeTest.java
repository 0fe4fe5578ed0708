package io.kafkabinlog.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.AvroSchemas;
import io.kafkabinlog.schemas.avro.ColumnValues;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Serializer -> deserializer through the embedded registry. */
class AvroSerdeTest {
  private static final Schema V1 = new Schema.Parser().parse(SchemaRegistryServerTest.V1);
  private static final Schema V2 = new Schema.Parser().parse(SchemaRegistryServerTest.V2_OPTIONAL);
  private static final Schema V3 = new Schema.Parser().parse(SchemaRegistryServerTest.V3_REQUIRED);

  private SchemaRegistryServer server;

  @BeforeEach
  void start() throws Exception {
    server = SchemaRegistryServer.start("127.0.0.1", 0, new SchemaStore());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<String, Object> config() {
    return Map.of(SchemaRegistryClient.URL_CONFIG, server.url());
  }

  @Test
  void serializerBytesDecodeWithTheDeserializer() {
    AvroSerializer ser = new AvroSerializer();
    ser.configure(config(), false);
    AvroDeserializer de = new AvroDeserializer();
    de.configure(config(), false);

    GenericRecord txn =
        AvroEvents.transaction(
            100L << 18,
            99L << 18,
            3,
            List.of(
                AvroEvents.rowChange(
                    "test",
                    "t",
                    5,
                    ChangeType.INSERT,
                    null,
                    List.of(
                        ColumnValues.of("id", "bigint(20)", 1L),
                        ColumnValues.of("name", "varchar(10)", "x")))),
            null);
    byte[] bytes = ser.serialize("txn", txn);
    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(1);
    assertThat(de.deserialize("txn", bytes)).isEqualTo(txn);

    // the subject follows TopicNameStrategy
    SchemaRegistryClient client = new SchemaRegistryClient(server.url());
    assertThat(client.subjects()).containsExactly("txn-value");
    assertThat(client.latest("txn-value").schema()).isEqualTo(AvroSchemas.TRANSACTION);

    AvroSerializer keySer = new AvroSerializer(client, true);
    GenericRecord key =
        AvroEvents.rowKey("test", "t", List.of(ColumnValues.of("id", "bigint(20)", 1L)));
    byte[] keyBytes = keySer.serialize("test.t", key);
    assertThat(client.subjects()).contains("test.t-key");
    assertThat(new AvroDeserializer(client, null).deserialize("test.t", keyBytes)).isEqualTo(key);
    assertThat(ser.serialize("txn", null)).isNull();
    assertThat(de.deserialize("txn", null)).isNull();
  }

  @Test
  void addingAnOptionalColumnRegistersANewVersion() {
    SchemaRegistryClient client = new SchemaRegistryClient(server.url());
    AvroSerializer ser = new AvroSerializer(client, false);
    GenericRecord r1 = new GenericData.Record(V1);
    r1.put("id", 7L);
    byte[] b1 = ser.serialize("orders", r1);
    GenericRecord r2 = new GenericData.Record(V2);
    r2.put("id", 8L);
    r2.put("note", "hi");
    byte[] b2 = ser.serialize("orders", r2);

    assertThat(client.versions("orders-value")).containsExactly(1, 2);
    assertThat(client.latest("orders-value").schema()).isEqualTo(V2);
    assertThat(WireFormat.schemaId(b1)).isNotEqualTo(WireFormat.schemaId(b2));

    // a reader on the new schema reads old records (note = default null) and new ones
    AvroDeserializer reader = new AvroDeserializer(new SchemaRegistryClient(server.url()), V2);
    GenericRecord old = reader.deserialize("orders", b1);
    assertThat(old.get("id")).isEqualTo(7L);
    assertThat(old.get("note")).isNull();
    assertThat(reader.deserialize("orders", b2).get("note").toString()).isEqualTo("hi");
    // without a reader schema, each record comes back in its writer schema
    AvroDeserializer plain = new AvroDeserializer(new SchemaRegistryClient(server.url()), null);
    assertThat(plain.deserialize("orders", b1).getSchema()).isEqualTo(V1);
  }

  @Test
  void anIncompatibleSchemaIsRefusedNamingTheSubject() {
    SchemaRegistryClient client = new SchemaRegistryClient(server.url());
    AvroSerializer ser = new AvroSerializer(client, false);
    GenericRecord r2 = new GenericData.Record(V2);
    r2.put("id", 1L);
    ser.serialize("orders", r2);
    GenericRecord r3 = new GenericData.Record(V3);
    r3.put("id", 1L);
    r3.put("qty", 3);

    assertThat(client.isCompatible("orders-value", V3)).isFalse();
    assertThat(client.isCompatible("orders-value", V2)).isTrue();
    assertThatThrownBy(() -> ser.serialize("orders", r3))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("orders-value")
        .hasMessageContaining("incompatible");
    assertThatThrownBy(() -> client.register("orders-value", V3))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
            })
        .hasMessageContaining("\"orders-value\"");
    assertThat(client.versions("orders-value")).containsExactly(1);
  }

  @Test
  void unknownSchemaIdIsNamed() {
    AvroDeserializer de = new AvroDeserializer(new SchemaRegistryClient(server.url()), null);
    assertThatThrownBy(() -> de.deserialize("orders", new byte[] {0, 0, 0, 0, 42, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema id 42")
        .hasMessageContaining(server.url());
  }

  @Test
  void unreachableRegistryNamesTheUrlAndTheConfigKey() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    AvroSerializer ser = new AvroSerializer();
    ser.configure(Map.of("schema-registry.url", url), false);
    GenericRecord r1 = new GenericData.Record(V1);
    r1.put("id", 7L);
    assertThatThrownBy(() -> ser.serialize("orders", r1))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unreachable")
        .hasMessageContaining(url)
        .hasMessageContaining("schema-registry.url");
    AvroDeserializer de = new AvroDeserializer();
    de.configure(Map.of("schema-registry.url", url), false);
    assertThatThrownBy(() -> de.deserialize("orders", new byte[] {0, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(url)
        .hasMessageContaining("schema-registry.url");
  }

  @Test
  void missingUrlConfigIsNamed() {
    assertThatThrownBy(() -> new AvroSerializer().configure(Map.of(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema-registry.url");
  }

  @Test
  void clientConfigCalls() {
    SchemaRegistryClient client = new SchemaRegistryClient(server.url() + "/");
    assertThat(client.compatibility(null)).isEqualTo("BACKWARD");
    client.setCompatibility("x-value", "NONE");
    assertThat(client.compatibility("x-value")).isEqualTo("NONE");
    int id = client.register("x-value", V1);
    assertThat(client.lookup("x-value", V1).id()).isEqualTo(id);
    assertThat(client.getById(id)).isEqualTo(V1);
    assertThat(client.deleteSubject("x-value")).containsExactly(1);
    assertThatThrownBy(() -> client.latest("x-value"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
  }
}
