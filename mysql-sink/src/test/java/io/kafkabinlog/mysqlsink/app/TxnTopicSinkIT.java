package io.kafkabinlog.mysqlsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.testing.SinkFixtures;
import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import io.kafkabinlog.testkit.ServiceEndpoints;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/** The transactional sink from a real txn topic (Kafka + registry) into the real MariaDB. */
class TxnTopicSinkIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private static final long CLUSTER = 77;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final ExecutorService runner = Executors.newSingleThreadExecutor();
  private String topic;
  private String db;
  private MysqlSinkConfig config;
  private MariaDbPoolDataSource dataSource;
  private KafkaProducer<byte[], GenericRecord> producer;

  @BeforeEach
  void setUp() throws Exception {
    topic = KAFKA.createTopic("txn", 1);
    db = MARIADB.database();
    final ServiceEndpoints services = MARIADB.endpoints();
    config =
        SinkFixtures.config(SinkFixtures.settings(KAFKA, services, String.valueOf(CLUSTER), db));
    dataSource = SinkWiring.dataSource(config);
    producer = SinkFixtures.avroProducer(KAFKA, services);
  }

  @AfterEach
  void tearDown() throws Exception {
    runner.shutdownNow();
    producer.close();
    dataSource.close();
  }

  @Test
  void appliesTheTopicOnceAndRestartsWithoutApplyingTwice() throws Exception {
    send(
        AvroEvents.transaction(
            100,
            99,
            1,
            List.of(),
            AvroEvents.ddl(
                "CREATE TABLE t1 (id BIGINT PRIMARY KEY, name VARCHAR(20))", 1, db, "t1", null)));
    // One transaction in two fragments: the sink must apply it whole.
    send(
        AvroEvents.transaction(
            110, 109, 1, List.of(insert(1, "a"), insert(2, "b")), null, 0, false));
    send(AvroEvents.transaction(110, 109, 1, List.of(insert(3, "c")), null, 1, true));
    send(AvroEvents.resolvedTs(110, 0, 1));
    send(AvroEvents.transaction(120, 119, 1, List.of(update(2, "b", "b2"), insert(4, "d")), null));
    send(AvroEvents.transaction(130, 129, 1, List.of(delete(3, "c")), null));
    // Only a table of an ignored schema: nothing to write, yet the checkpoint passes it.
    send(
        AvroEvents.transaction(
            140,
            139,
            1,
            List.of(
                AvroEvents.rowChange(
                    "mysql", "x", 9, ChangeType.INSERT, null, List.of(col("id", 1L)))),
            null));
    send(AvroEvents.resolvedTs(140, 0, 1));
    producer.flush();
    final String group = "it-" + topic;

    runUntil(group, 140, 8);

    assertThat(rows()).containsExactly("1=a", "2=b2", "4=d");
    final String stored = checkpointText();
    assertThat(Checkpoint.parse(stored).commitTs()).isEqualTo(140);
    assertThat(stored)
        .as("the original drainer's JSON shape, consistent after a clean stop")
        .isEqualTo(new Checkpoint(true, 140, Map.of(), 0).toJson());
    assertThat(committedOffset(group)).as("offsets after the last applied record").isEqualTo(8);

    // Restart on the same group: only the new transaction is applied.
    // Then the stream goes quiet: the marker alone moves the checkpoint past the last commit.
    send(AvroEvents.transaction(150, 149, 1, List.of(insert(5, "e")), null));
    send(AvroEvents.resolvedTs(170, 0, 1));
    producer.flush();
    runUntil(group, 170, 10);
    assertThat(rows()).containsExactly("1=a", "2=b2", "4=d", "5=e");

    // A group with no offsets replays the whole topic: everything is at or below the checkpoint
    // (re-inserting ids 1-3 would fail on their primary key, re-running the DDL too).
    runUntil(group + "-fresh", 170, 10);
    assertThat(rows()).containsExactly("1=a", "2=b2", "4=d", "5=e");
    assertThat(committedOffset(group + "-fresh")).isEqualTo(10);
    assertThat(checkpointText()).isEqualTo(new Checkpoint(true, 170, Map.of(), 0).toJson());
  }

  /**
   * Runs a sink on {@code group} until its checkpoint reached {@code commitTs} and it committed
   * {@code offset}, then stops it.
   */
  private void runUntil(final String group, final long commitTs, final long offset)
      throws Exception {
    final ProgressStore progress = SinkWiring.progressStore(config, dataSource);
    final TxnTopicSink sink =
        new TxnTopicSink(
            SinkWiring.consumer(config, group),
            topic,
            progress,
            SinkWiring.filter(config.syncer()),
            SinkWiring.loops(config, dataSource, progress),
            Duration.ofMillis(100),
            Clock.systemUTC());
    final Future<?> running =
        runner.submit(
            () -> {
              sink.run();
              return null;
            });
    final long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (sink.checkpointTs() < commitTs || sink.committedOffset() < offset) {
      if (running.isDone()) {
        running.get(); // the sink's failure
        throw new AssertionError("the sink stopped at checkpoint " + sink.checkpointTs());
      }
      assertThat(System.nanoTime()).as("checkpoint %d in time", commitTs).isLessThan(deadline);
      Thread.sleep(50);
    }
    sink.stop();
    running.get(30, TimeUnit.SECONDS);
  }

  private void send(final GenericRecord value) {
    producer.send(new ProducerRecord<>(topic, 0, null, value));
  }

  private static GenericRecord col(final String name, final Object value) {
    return ColumnValues.of(name, value instanceof Long ? "bigint(20)" : "varchar(20)", value);
  }

  private static List<GenericRecord> image(final long id, final String name) {
    return List.of(col("id", id), col("name", name));
  }

  private GenericRecord insert(final long id, final String name) {
    return AvroEvents.rowChange(db, "t1", 5, ChangeType.INSERT, null, image(id, name));
  }

  private GenericRecord update(final long id, final String before, final String after) {
    return AvroEvents.rowChange(
        db, "t1", 5, ChangeType.UPDATE, image(id, before), image(id, after));
  }

  private GenericRecord delete(final long id, final String name) {
    return AvroEvents.rowChange(db, "t1", 5, ChangeType.DELETE, image(id, name), null);
  }

  private List<String> rows() throws SQLException {
    final List<String> out = new ArrayList<>();
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, name FROM `" + db + "`.t1 ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "=" + rs.getString(2));
      }
    }
    return out;
  }

  private String checkpointText() throws SQLException {
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT checkPoint FROM `" + db + "`.checkpoint WHERE clusterID = " + CLUSTER)) {
      assertThat(rs.next()).as("a checkpoint row for cluster %d", CLUSTER).isTrue();
      return rs.getString(1);
    }
  }

  private long committedOffset(final String group) throws Exception {
    final Map<TopicPartition, OffsetAndMetadata> offsets =
        KAFKA
            .admin()
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    final OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
    return offset == null ? -1 : offset.offset();
  }
}
