package io.kafkabinlog.mysqlsink.testing;

import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfigLoader;
import io.kafkabinlog.schemas.registry.AvroSerializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.ServiceEndpoints;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The sink's settings and an Avro producer against the local services, for the sink's ITs. */
public final class SinkFixtures {
  private SinkFixtures() {}

  /**
   * The settings of a sink on the local broker, registry and MariaDB, 4 workers, its checkpoint in
   * {@code checkpointSchema}; the caller adds to them.
   */
  public static Map<String, Object> settings(
      final KafkaServiceExtension kafka,
      final ServiceEndpoints services,
      final String clusterId,
      final String checkpointSchema) {
    final Map<String, Object> values = new LinkedHashMap<>();
    values.put("cluster-id", clusterId);
    values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    values.put("schema-registry.url", services.schemaRegistryUrl());
    values.put("checkpoint-schema", checkpointSchema);
    values.put("syncer.worker-count", "4");
    values.put("syncer.to.host", services.mariaDbHost());
    values.put("syncer.to.port", String.valueOf(services.mariaDbPort()));
    values.put("syncer.to.user", services.mariaDbUser());
    values.put("syncer.to.password", services.mariaDbPassword());
    return values;
  }

  public static MysqlSinkConfig config(final Map<String, Object> values) {
    return MysqlSinkConfigLoader.from(
        Settings.of(values, new SettingOrigin(SettingOrigin.Kind.ENV, "test")));
  }

  /** A producer of Avro records (the ordering stream's serializer) to the local broker. */
  public static KafkaProducer<byte[], GenericRecord> avroProducer(
      final KafkaServiceExtension kafka, final ServiceEndpoints services) {
    return new KafkaProducer<>(
        kafka.producerConfig(),
        new ByteArraySerializer(),
        new AvroSerializer(new SchemaRegistryClient(services.schemaRegistryUrl()), false, true));
  }
}
