package io.kafkabinlog.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WireFormatTest {
  private static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"T\",\"fields\":["
                  + "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"c\",\"type\":\"string\"}]}");

  private static SchemaRegistryServer server;

  @BeforeAll
  static void start() throws Exception {
    server = SchemaRegistryServer.start("127.0.0.1", 0, new SchemaStore());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void frameIsMagicZeroThenBigEndianIdThenBody() {
    byte[] framed = WireFormat.frame(0x01020304, new byte[] {0x54, 0x0a});
    assertThat(HexFormat.of().formatHex(framed)).isEqualTo("0001020304540a");
    assertThat(WireFormat.schemaId(framed)).isEqualTo(0x01020304);
  }

  @Test
  void serializerWritesTheHandCheckedVector() {
    // local-services.md section 6: {"id":42,"c":"hello"} with schema id 1 on a fresh registry
    // is 00 00000001 540a68656c6c6f (42 zig-zag = 0x54, "hello" = len 5 zig-zag 0x0a + ASCII).
    GenericRecord r = new GenericData.Record(SCHEMA);
    r.put("id", 42);
    r.put("c", "hello");
    AvroSerializer ser = new AvroSerializer(new SchemaRegistryClient(server.url()), false);
    byte[] bytes = ser.serialize("vector", r);
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0000000001540a68656c6c6f");

    AvroDeserializer de = new AvroDeserializer(new SchemaRegistryClient(server.url()), null);
    GenericRecord back =
        de.deserialize("vector", HexFormat.of().parseHex("0000000001540a68656c6c6f"));
    assertThat(back.get("id")).isEqualTo(42);
    assertThat(back.get("c").toString()).isEqualTo("hello");
  }

  @Test
  void unknownMagicByteIsNamed() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown magic byte 0x01");
    AvroDeserializer de = new AvroDeserializer(new SchemaRegistryClient(server.url()), null);
    assertThatThrownBy(() -> de.deserialize("t", new byte[] {7, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown magic byte 0x07")
        .hasMessageContaining("topic t");
  }

  @Test
  void tooShortPayloadIsRefused() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
  }
}
