package io.kafkabinlog.mysqlsink.partitioned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.mysqlsink.app.SinkWiring;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.metrics.SinkMetrics;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import io.kafkabinlog.mysqlsink.testing.SinkFixtures;
import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import io.kafkabinlog.testkit.ServiceEndpoints;
import io.kafkabinlog.testkit.TestNames;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * The partitioned sink from a real rows topic (Kafka + registry, records produced by hand as stage
 * 3 publishes them) into the real MariaDB, with one member and with two.
 */
@Tag("integration")
@Timeout(300)
class PartitionedSinkIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final ExecutorService runner = Executors.newCachedThreadPool();
  private final long cluster = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private final List<MariaDbPoolDataSource> pools = new ArrayList<>();
  private int partitions;
  private String topic;
  private String db;
  private String extraDb;
  private MysqlSinkConfig config;
  private KafkaProducer<byte[], GenericRecord> producer;

  @BeforeEach
  void setUp() throws Exception {
    final String prefix = "it." + TestNames.unique("psink", 40);
    topic = prefix + "." + Long.toUnsignedString(cluster) + ".rows";
    db = MARIADB.database();
    extraDb = "x_" + db.substring(Math.max(0, db.length() - 40));
    final ServiceEndpoints services = MARIADB.endpoints();
    final Map<String, Object> values =
        SinkFixtures.settings(KAFKA, services, Long.toUnsignedString(cluster), db);
    values.put("mode", "partitioned");
    values.put("kafka.topic-prefix", prefix);
    config = SinkFixtures.config(values);
    assertThat(SinkWiring.topicNames(config).rows()).isEqualTo(topic);
    producer = SinkFixtures.avroProducer(KAFKA, services);
  }

  @AfterEach
  void tearDown() throws Exception {
    runner.shutdownNow();
    producer.close();
    pools.forEach(MariaDbPoolDataSource::close);
    execute("DROP DATABASE IF EXISTS `" + extraDb + "`");
    if (topic != null && partitions > 0) {
      KAFKA.admin().deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void appliesInterleavedTablesWithDdlOnceAndResumesWithoutDuplicates() throws Exception {
    createTopic(3);
    final long ta = tableIn(0, 1000);
    final long td = tableIn(0, ta + 1);
    final long tb = tableIn(1, 1000);
    final long tc = tableIn(2, 1000);
    final long tx = tableIn(2, tc + 1);
    tableDdl(100, ta, db, "ta", "CREATE TABLE ta (id BIGINT PRIMARY KEY, v VARCHAR(20))");
    tableDdl(101, tb, db, "tb", "CREATE TABLE tb (id BIGINT PRIMARY KEY, v VARCHAR(20))");
    tableDdl(102, tc, db, "tc", "CREATE TABLE tc (id BIGINT PRIMARY KEY, v VARCHAR(20))");
    tableDdl(103, td, db, "td", "CREATE TABLE td (id BIGINT PRIMARY KEY, v VARCHAR(20))");
    databaseDdl(110, extraDb, "CREATE DATABASE `" + extraDb + "`");
    tableDdl(120, tx, extraDb, "tx", "CREATE TABLE tx (id BIGINT PRIMARY KEY)");
    // Transactions over several tables: ta and td share partition 0; tb's part comes in two
    // fragments every fifth transaction.
    for (int i = 0; i < 60; i++) {
      final long ts = 200 + i;
      rows(ts, ta, List.of(insert(db, "ta", ta, i, "a" + i)));
      if (i % 3 == 0) {
        rows(ts, td, List.of(insert(db, "td", td, i, "d" + i)));
      }
      if (i % 5 == 0) {
        fragment(ts, tb, List.of(insert(db, "tb", tb, i, "b" + i)), 0, false);
        fragment(ts, tb, List.of(insert(db, "tb", tb, 1000 + i, "B" + i)), 1, true);
      } else {
        rows(ts, tb, List.of(insert(db, "tb", tb, i, "b" + i)));
      }
      rows(ts, tc, List.of(insert(db, "tc", tc, i, "c" + i)));
    }
    markers(300, 0, 1, 2);
    // Much more work on partition 2 than on the others before a DROP DATABASE that all partitions
    // carry: run early, it would take extra.tx away from the inserts below (they would fail).
    for (int j = 0; j < 200; j++) {
      rows(301 + j, tx, List.of(insert(extraDb, "tx", tx, j, null)));
    }
    databaseDdl(600, extraDb, "DROP DATABASE `" + extraDb + "`");
    tableDdl(610, ta, db, "ta", "ALTER TABLE ta ADD COLUMN c INT NOT NULL DEFAULT 7");
    rows(620, ta, List.of(insert(db, "ta", ta, 1000, "late")));
    markers(800, 0, 1);
    // Partition 2 ends with a transaction and no marker: it is complete only below 750.
    rows(750, tc, List.of(insert(db, "tc", tc, 750, "c750")));
    producer.flush();

    final String group = "it-" + topic;
    final Member first = start(group);
    awaitConsumed(first);
    awaitCheckpoint(749);
    first.stop();

    assertThat(count(db, "ta")).isEqualTo(61);
    assertThat(count(db, "tb")).isEqualTo(72);
    assertThat(count(db, "tc")).isEqualTo(61);
    assertThat(count(db, "td")).isEqualTo(20);
    assertThat(
            strings(
                "SELECT CONCAT(id, '=', v, '/', c) FROM `"
                    + db
                    + "`.ta WHERE id >= 59 ORDER BY id"))
        .containsExactly("59=a59/7", "1000=late/7");
    assertThat(
            strings(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                    + extraDb
                    + "'"))
        .as("dropped after its table's inserts")
        .isEmpty();
    assertThat(strings("SELECT commit_ts FROM `" + db + "`.ddl_ledger ORDER BY commit_ts"))
        .as("each DDL once, though the database DDL came on three partitions")
        .containsExactly("100", "101", "102", "103", "110", "120", "600", "610");
    assertThat(checkpoint().commitTs()).as("the minimum over the partitions").isEqualTo(749);
    assertThat(progressRows())
        .containsExactly(
            "0:" + endOffset(0) + ":800",
            "1:" + endOffset(1) + ":800",
            "2:" + endOffset(2) + ":749");
    assertThat(first.metrics.snapshot().appliedTxns())
        .as("table groups with rows (60 ta, 20 td, 60 tb, 60 tc, 200 tx, 2) and 8 DDL runs")
        .isEqualTo(60 + 20 + 60 + 60 + 200 + 2 + 8);

    // Restart on the same group with more to do: only the new records are applied (re-applying an
    // insert would fail on its primary key: safe mode is off).
    rows(810, tb, List.of(update(db, "tb", tb, 1, "b1", "x")));
    rows(820, tc, List.of(delete(db, "tc", tc, 750, "c750")));
    markers(900, 0, 1, 2);
    producer.flush();
    final Member second = start(group);
    awaitConsumed(second);
    awaitCheckpoint(900);
    second.stop();
    assertThat(strings("SELECT v FROM `" + db + "`.tb WHERE id = 1")).containsExactly("x");
    assertThat(count(db, "tc")).isEqualTo(60);
    assertThat(second.metrics.snapshot().appliedTxns()).isEqualTo(2);

    // A group without offsets resumes from the progress table: nothing is applied again.
    final Member fresh = start(group + "-fresh");
    awaitConsumed(fresh);
    fresh.stop();
    assertThat(fresh.metrics.snapshot().appliedTxns()).isZero();
    assertThat(fresh.metrics.snapshot().alreadyAppliedTxns()).isZero();
    assertThat(count(db, "ta")).isEqualTo(61);
    assertThat(checkpoint()).isEqualTo(new Checkpoint(false, 900, Map.of(), 0));
  }

  @Test
  void aSecondMemberJoiningMidStreamTakesPartitionsWithoutLossOrDuplicates() throws Exception {
    createTopic(4);
    final long[] tables = new long[4];
    for (int p = 0; p < 4; p++) {
      tables[p] = tableIn(p, 2000);
      tableDdl(
          100 + p,
          tables[p],
          db,
          "t" + p,
          "CREATE TABLE t" + p + " (id BIGINT PRIMARY KEY, v INT)");
    }
    producer.flush();
    final String group = "it-" + topic;
    final Member a = start(group);
    final int total = 3000;
    final Future<Long> produced =
        runner.submit(
            () -> {
              long ts = 1000;
              for (int i = 1; i <= total; i++) {
                ts = 1000 + 2L * i;
                for (int t : new int[] {i % 4, (i + 1) % 4}) {
                  rows(ts, tables[t], List.of(insert(db, "t" + t, tables[t], i, null)));
                }
                if (i == total / 2) {
                  // A database DDL on every partition, owned by both members: applied once.
                  databaseDdl(ts + 1, db, "ALTER DATABASE `" + db + "` CHARACTER SET utf8mb4");
                }
                if (i == 3 * total / 4) {
                  tableDdl(
                      ts + 1,
                      tables[2],
                      db,
                      "t2",
                      "ALTER TABLE t2 ADD COLUMN c INT NOT NULL DEFAULT 0");
                }
                if (i % 50 == 0) {
                  markers(ts + 1, 0, 1, 2, 3);
                  producer.flush();
                  Thread.sleep(250);
                }
              }
              markers(ts + 1, 0, 1, 2, 3);
              producer.flush();
              return ts + 1;
            });
    // The second member joins while a third of the stream is published.
    await(() -> checkpointQuietly() >= 1000 + 2L * total / 3, "a third applied");
    final Member b = start(group);
    await(() -> !b.sink.ownedPartitions().isEmpty(), "partitions for the second member");
    final long last = produced.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    awaitCheckpoint(last);
    assertThat(a.sink.ownedPartitions()).as("both members share the topic").isNotEmpty();

    // Then the first leaves: the second takes all partitions and goes on.
    a.stop();
    rows(last + 10, tables[0], List.of(insert(db, "t0", tables[0], total + 1, null)));
    markers(last + 11, 0, 1, 2, 3);
    producer.flush();
    awaitCheckpoint(last + 11);
    await(() -> b.sink.ownedPartitions().size() == 4, "all partitions on the second member");
    b.stop();

    for (int t = 0; t < 4; t++) {
      final List<String> expected = new ArrayList<>();
      for (int i = 1; i <= total; i++) {
        if (i % 4 == t || (i + 1) % 4 == t) {
          expected.add(String.valueOf(i));
        }
      }
      if (t == 0) {
        expected.add(String.valueOf(total + 1));
      }
      assertThat(strings("SELECT id FROM `" + db + "`.t" + t + " ORDER BY id"))
          .as("table t%d: every row once", t)
          .isEqualTo(expected);
    }
    final long applied = a.metrics.snapshot().appliedTxns() + b.metrics.snapshot().appliedTxns();
    assertThat(applied)
        .as("each table group applied by exactly one member: 2 per transaction, 4 + 2 DDL, 1 more")
        .isEqualTo(2L * total + 4 + 2 + 1);
    assertThat(strings("SELECT COUNT(*) FROM `" + db + "`.ddl_ledger")).containsExactly("6");
  }

  @Test
  void aMemberThatFailsMidStreamIsResumedByTheNextWithoutLossOrDuplicates() throws Exception {
    createTopic(3);
    final long[] tables = new long[3];
    for (int p = 0; p < 3; p++) {
      tables[p] = tableIn(p, 3000);
      tableDdl(
          100 + p,
          tables[p],
          db,
          "t" + p,
          "CREATE TABLE t" + p + " (id BIGINT PRIMARY KEY, v INT)");
    }
    final int total = 600;
    for (int i = 1; i <= total; i++) {
      final int t = i % 3;
      rows(1000 + i, tables[t], List.of(insert(db, "t" + t, tables[t], i, null)));
      if (i % 40 == 0) {
        markers(1000 + i, 0, 1, 2);
      }
    }
    producer.flush();
    final String group = "it-" + topic;
    // The downstream refuses the 250th table part: the member stops mid-stream, with work of the
    // other partitions in flight and progress not written yet.
    final AtomicInteger calls = new AtomicInteger();
    final MariaDbPoolDataSource pool = SinkWiring.dataSource(config);
    pools.add(pool);
    final PartitionedSink failing =
        PartitionedWiring.sink(
            config,
            pool,
            SinkObserver.NONE,
            group,
            Duration.ofMillis(200),
            work ->
                new PartitionLane.Work() {
                  @Override
                  public ApplyOutcome applyRows(
                      final int partition,
                      final SinkTxn txn,
                      final long firstOffset,
                      final long nextOffset) {
                    if (calls.incrementAndGet() == 250) {
                      throw new IllegalStateException("injected failure");
                    }
                    return work.applyRows(partition, txn, firstOffset, nextOffset);
                  }

                  @Override
                  public ApplyOutcome applyDdl(final SinkTxn txn) {
                    return work.applyDdl(txn);
                  }
                });
    final Future<?> crashed =
        runner.submit(
            () -> {
              failing.run();
              return null;
            });
    assertThatThrownBy(() -> crashed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .hasRootCauseMessage("injected failure");
    final long before = count(db, "t0") + count(db, "t1") + count(db, "t2");
    assertThat(before).as("stopped mid-stream").isBetween(200L, (long) total - 1);

    final Member next = start(group);
    awaitConsumed(next);
    awaitCheckpoint(1000 + total);
    next.stop();
    for (int t = 0; t < 3; t++) {
      final List<String> expected = new ArrayList<>();
      for (int i = t == 0 ? 3 : t; i <= total; i += 3) {
        expected.add(String.valueOf(i));
      }
      assertThat(strings("SELECT id FROM `" + db + "`.t" + t + " ORDER BY id"))
          .as("table t%d", t)
          .isEqualTo(expected);
    }
    assertThat(next.metrics.snapshot().appliedTxns())
        .as("only what the failed member had not committed")
        .isEqualTo(total - before);
  }

  // ------------------------------------------------------------------ members

  /** One member of the group, running on a thread of its own with its own connection pool. */
  private final class Member {
    final PartitionedSink sink;
    final SinkMetrics metrics = new SinkMetrics(new PrometheusRegistry(), Clock.systemUTC());
    final Future<?> running;

    Member(final String group) throws Exception {
      final MariaDbPoolDataSource pool = SinkWiring.dataSource(config);
      pools.add(pool);
      sink = PartitionedWiring.sink(config, pool, metrics, group, Duration.ofMillis(200));
      running =
          runner.submit(
              () -> {
                sink.run();
                return null;
              });
    }

    void stop() throws Exception {
      sink.stop();
      running.get(60, TimeUnit.SECONDS);
    }
  }

  private final List<Member> members = new ArrayList<>();

  private Member start(final String group) throws Exception {
    final Member member = new Member(group);
    members.add(member);
    return member;
  }

  /** Until the member owns every partition, each applied up to the end of the topic. */
  private void awaitConsumed(final Member member) throws Exception {
    final Map<Integer, Long> ends = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      ends.put(p, endOffset(p));
    }
    await(
        () -> {
          final Map<Integer, PartitionPosition> owned = member.sink.ownedPartitions();
          if (owned.size() != partitions) {
            return false;
          }
          for (Map.Entry<Integer, PartitionPosition> e : owned.entrySet()) {
            if (e.getValue().nextOffset() < ends.get(e.getKey())) {
              return false;
            }
          }
          return true;
        },
        "everything consumed");
  }

  private void awaitCheckpoint(final long commitTs) throws Exception {
    await(() -> checkpointQuietly() >= commitTs, "checkpoint " + commitTs);
  }

  private void await(final BooleanSupplier condition, final String what) throws Exception {
    final long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      for (Member member : members) {
        if (member.running.isDone()) {
          member.running.get(); // a member's failure surfaces here
        }
      }
      assertThat(System.nanoTime()).as("%s in time", what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  // ------------------------------------------------------------------ the rows topic

  private void createTopic(final int count) throws Exception {
    KAFKA
        .admin()
        .createTopics(List.of(new NewTopic(topic, count, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    partitions = count;
  }

  /** The first table id from {@code from} on whose records go to {@code partition}. */
  private long tableIn(final int partition, final long from) {
    long id = from;
    while (partitionOf(id) != partition) {
      id++;
    }
    return id;
  }

  private int partitionOf(final long tableId) {
    return Utils.toPositive(Utils.murmur2(key(tableId))) % partitions;
  }

  private static byte[] key(final long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  private void rows(final long commitTs, final long tableId, final List<GenericRecord> rows) {
    fragment(commitTs, tableId, rows, 0, true);
  }

  private void fragment(
      final long commitTs,
      final long tableId,
      final List<GenericRecord> rows,
      final int fragment,
      final boolean last) {
    send(
        partitionOf(tableId),
        key(tableId),
        AvroEvents.transaction(commitTs, commitTs - 1, 1, rows, null, fragment, last));
  }

  private void tableDdl(
      final long commitTs,
      final long tableId,
      final String database,
      final String table,
      final String query) {
    send(
        partitionOf(tableId),
        key(tableId),
        AvroEvents.transaction(
            commitTs,
            commitTs - 1,
            2,
            List.of(),
            AvroEvents.ddl(query, commitTs, database, table, null)));
  }

  private void databaseDdl(final long commitTs, final String database, final String query) {
    final GenericRecord value =
        AvroEvents.transaction(
            commitTs,
            commitTs - 1,
            2,
            List.of(),
            AvroEvents.ddl(query, commitTs, database, null, null));
    for (int p = 0; p < partitions; p++) {
      send(p, key(commitTs), value);
    }
  }

  private void markers(final long resolvedTs, final int... which) {
    for (int p : which) {
      send(p, key(resolvedTs), AvroEvents.resolvedTs(resolvedTs, p, partitions));
    }
  }

  private void send(final int partition, final byte[] key, final GenericRecord value) {
    producer.send(new ProducerRecord<>(topic, partition, key, value));
  }

  private static GenericRecord insert(
      final String database,
      final String table,
      final long tableId,
      final long id,
      final String v) {
    final List<GenericRecord> after = new ArrayList<>();
    after.add(ColumnValues.of("id", "bigint(20)", id));
    if (v != null) {
      after.add(ColumnValues.of("v", "varchar(20)", v));
    }
    return AvroEvents.rowChange(database, table, tableId, ChangeType.INSERT, null, after);
  }

  private static GenericRecord update(
      final String database,
      final String table,
      final long tableId,
      final long id,
      final String before,
      final String after) {
    return AvroEvents.rowChange(
        database,
        table,
        tableId,
        ChangeType.UPDATE,
        List.of(
            ColumnValues.of("id", "bigint(20)", id), ColumnValues.of("v", "varchar(20)", before)),
        List.of(
            ColumnValues.of("id", "bigint(20)", id), ColumnValues.of("v", "varchar(20)", after)));
  }

  private static GenericRecord delete(
      final String database,
      final String table,
      final long tableId,
      final long id,
      final String v) {
    return AvroEvents.rowChange(
        database,
        table,
        tableId,
        ChangeType.DELETE,
        List.of(ColumnValues.of("id", "bigint(20)", id), ColumnValues.of("v", "varchar(20)", v)),
        null);
  }

  private long endOffset(final int partition) throws Exception {
    final TopicPartition tp = new TopicPartition(topic, partition);
    return KAFKA
        .admin()
        .listOffsets(Map.of(tp, OffsetSpec.latest()))
        .partitionResult(tp)
        .get(30, TimeUnit.SECONDS)
        .offset();
  }

  // ------------------------------------------------------------------ the downstream

  private long count(final String database, final String table) throws SQLException {
    return Long.parseLong(strings("SELECT COUNT(*) FROM `" + database + "`." + table).get(0));
  }

  private List<String> strings(final String sql) throws SQLException {
    final List<String> out = new ArrayList<>();
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private void execute(final String sql) throws SQLException {
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private Checkpoint checkpoint() throws SQLException {
    final List<String> json =
        strings(
            "SELECT checkPoint FROM `"
                + db
                + "`.checkpoint WHERE clusterID = "
                + Long.toUnsignedString(cluster));
    assertThat(json).hasSize(1);
    return Checkpoint.parse(json.get(0));
  }

  private long checkpointQuietly() {
    try {
      final List<String> json =
          strings(
              "SELECT checkPoint FROM `"
                  + db
                  + "`.checkpoint WHERE clusterID = "
                  + Long.toUnsignedString(cluster));
      return json.isEmpty() ? -1 : Checkpoint.parse(json.get(0)).commitTs();
    } catch (SQLException e) {
      return -1;
    }
  }

  private List<String> progressRows() throws SQLException {
    return strings(
        "SELECT CONCAT(partition_id, ':', next_offset, ':', commit_ts) FROM `"
            + db
            + "`.partition_progress WHERE topic = '"
            + topic
            + "' ORDER BY partition_id");
  }
}
