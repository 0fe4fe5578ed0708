package io.kafkabinlog.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.testkit.KafkaServiceExtension;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry persists to a Kafka topic and survives a restart (real local Kafka). */
@Tag("integration")
class KafkaPersistenceIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Schema V1 = new Schema.Parser().parse(SchemaRegistryServerTest.V1);
  private static final Schema V2 = new Schema.Parser().parse(SchemaRegistryServerTest.V2_OPTIONAL);
  private static final Schema V3 = new Schema.Parser().parse(SchemaRegistryServerTest.V3_REQUIRED);

  private SchemaRegistryServer startOn(final String topic, final KafkaEventLog log)
      throws Exception {
    SchemaStore store = new SchemaStore(log);
    log.replayInto(store);
    return SchemaRegistryServer.start("127.0.0.1", 0, store);
  }

  @Test
  void schemasSurviveARestart() throws Exception {
    String topic = KAFKA.createTopic("schemas", 1);
    int id1;
    int id2;
    int otherId;
    try (KafkaEventLog log = new KafkaEventLog(KAFKA.bootstrapServers(), topic);
        SchemaRegistryServer server = startOn(topic, log)) {
      SchemaRegistryClient client = new SchemaRegistryClient(server.url());
      id1 = client.register("orders-value", V1);
      id2 = client.register("orders-value", V2);
      otherId = client.register("gone-value", V3);
      client.deleteSubject("gone-value");
      client.setCompatibility("loose-value", "NONE");
    }

    try (KafkaEventLog log = new KafkaEventLog(KAFKA.bootstrapServers(), topic);
        SchemaRegistryServer server = startOn(topic, log)) {
      SchemaRegistryClient client = new SchemaRegistryClient(server.url());
      assertThat(client.subjects()).containsExactly("orders-value");
      assertThat(client.versions("orders-value")).containsExactly(1, 2);
      assertThat(client.latest("orders-value").id()).isEqualTo(id2);
      assertThat(client.getById(id1)).isEqualTo(V1);
      // a deleted subject's schema id stays resolvable
      assertThat(client.getById(otherId)).isEqualTo(V3);
      assertThat(client.compatibility("loose-value")).isEqualTo("NONE");
      // new ids continue after the replayed ones, dedupe still works
      assertThat(client.register("orders-value", V2)).isEqualTo(id2);
      Schema v4 =
          new Schema.Parser()
              .parse(SchemaRegistryServerTest.V2_OPTIONAL.replace("\"note\"", "\"remark\""));
      assertThat(client.register("orders-value", v4)).isGreaterThan(otherId);
      // compatibility rules still apply to replayed versions
      assertThatThrownBy(() -> client.register("orders-value", V3))
          .hasMessageContaining("orders-value");
    }
  }
}
