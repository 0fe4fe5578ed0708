package io.kafkabinlog.bench.mysqlsink;

import io.kafkabinlog.bench.BenchEnvironment;
import io.kafkabinlog.bench.BenchResult;
import io.kafkabinlog.bench.Benchmark;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.mysqlsink.app.SinkWiring;
import io.kafkabinlog.mysqlsink.app.TxnTopicSink;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfigLoader;
import io.kafkabinlog.schemas.registry.AvroSerializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * The transactional mysql-sink (txn topic, read_committed; default worker-count and txn-batch;
 * exactly-once: a progress row per upstream transaction in its downstream transaction) applying a
 * pre-filled txn topic into a fresh database, against {@link RawJdbcLoader} writing the same rows
 * into other fresh databases of the same server in the same run, once before and once after the
 * sink. Figures are rows per second: the sink's from its start until every transaction up to the
 * last commit_ts is committed downstream (rows and progress rows), the baseline's from its first
 * statement to its last commit (the mean time of its two runs). All databases must end with the
 * same rows.
 */
public final class MysqlSinkBenchmark implements Benchmark {
  private static final long CLUSTER_ID = 1;

  private static final int MIN_TRANSACTIONS = 60_000;

  @Override
  public String name() {
    return "mysql-sink";
  }

  @Override
  public String description() {
    return "transactional mysql-sink from a pre-filled txn topic into MariaDB (exactly-once) vs a"
        + " raw JDBC multi-row insert of the same rows, rows/s";
  }

  /** The topic and databases of one pass (the warm-up or the measured one). */
  private record Pass(String id) {
    String prefix() {
      return "bench." + id;
    }

    TopicNames names() {
      return new TopicNames(prefix(), Long.toString(CLUSTER_ID));
    }

    String sinkDb() {
      return "bench_sink_" + id;
    }

    String rawDb() {
      return "bench_raw_" + id;
    }

    String rawDb2() {
      return "bench_raw2_" + id;
    }

    String checkpointDb() {
      return "bench_ckpt_" + id;
    }

    List<String> databases() {
      return List.of(sinkDb(), rawDb(), rawDb2(), checkpointDb());
    }
  }

  @Override
  public BenchResult run(final BenchEnvironment env) throws Exception {
    // At least 60,000 (300,000 rows, about 10 s a side here): the sink's start (consumer
    // assignment, first fetch, table lookups) is counted in its time, and over 20,000 it was a
    // tenth of it and swung the ratio by +-0.05 between runs.
    final int transactions =
        (int) Math.max(MIN_TRANSACTIONS, 4_000 * env.measureTime().toSeconds());
    final String run = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    final Pass warm = new Pass(run + "w");
    final Pass measured = new Pass(run);
    final MysqlSinkConfig config = config(env, measured);
    final int workers = config.syncer().workerCount();
    final int txnBatch = config.syncer().txnBatch();
    // As long as the measured pass: with a quarter of it, C2 still took half of the sink JVM's CPU
    // in the measured pass, on a machine whose CPUs the database shares.
    final SinkWorkload warmUp = SinkWorkload.generate(transactions);
    final SinkWorkload workload = SinkWorkload.generate(transactions);
    System.out.printf(
        Locale.ROOT,
        "workload: %,d transactions x %d rows (%,d rows; 1 in 10 an UPDATE by primary key) over %d"
            + " tables; sink: worker-count %d, txn-batch %d, safe-mode off, checkpoint every %d"
            + " ms; raw: %d connections, batches of <= %d rows, one commit each; each side warmed"
            + " up with the same workload first%n",
        transactions,
        SinkWorkload.ROWS_PER_TXN,
        workload.rowCount(),
        SinkWorkload.TABLES.size(),
        workers,
        txnBatch,
        SinkWiring.CHECKPOINT_INTERVAL.toMillis(),
        workers,
        txnBatch);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(warm.names().txn(), 1, (short) 1),
                  new NewTopic(measured.names().txn(), 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
      try (Connection server = connect(env)) {
        prefill(env, warm.names(), warmUp, warm.sinkDb());
        prefill(env, measured.names(), workload, measured.sinkDb());

        // The JIT compiles the sink's much larger code (Kafka, Avro, driver) while it runs: a
        // first pass of each side, not measured, lets both be measured compiled.
        final double warmRaw = runRaw(server, env, warmUp, warm.rawDb(), workers, txnBatch, null);
        SinkWorkload.createDatabase(server, warm.sinkDb());
        final double warmSink = runSink(config(env, warm), warm.names(), warmUp.lastCommitTs());
        System.out.printf(
            Locale.ROOT,
            "warm-up (not measured): raw JDBC %,.0f rows/s, mysql-sink %,.0f rows/s%n",
            warmUp.rowCount() / warmRaw,
            warmUp.rowCount() / warmSink);

        final double rawBefore =
            runRaw(server, env, workload, measured.rawDb(), workers, txnBatch, "before");
        SinkWorkload.createDatabase(server, measured.sinkDb());
        final double sinkSeconds = runSink(config, measured.names(), workload.lastCommitTs());
        final double sink = workload.rowCount() / sinkSeconds;
        System.out.printf(Locale.ROOT, "mysql-sink: %,.0f rows/s (%.2f s)%n", sink, sinkSeconds);
        final double rawAfter =
            runRaw(server, env, workload, measured.rawDb2(), workers, txnBatch, "after");
        // The baseline brackets the sink in time, so a neighbour's load drifting over the run
        // weighs on both sides alike.
        final double raw = workload.rowCount() / ((rawBefore + rawAfter) / 2);

        verify(
            server, measured.sinkDb(), List.of(measured.rawDb(), measured.rawDb2()), transactions);
        return new BenchResult(name(), "rows/s", sink, raw, true);
      } finally {
        try (Connection c = connect(env);
            Statement st = c.createStatement()) {
          for (Pass pass : List.of(warm, measured)) {
            for (String db : pass.databases()) {
              st.execute("DROP DATABASE IF EXISTS `" + db + "`");
            }
          }
        }
        admin
            .deleteTopics(List.of(warm.names().txn(), measured.names().txn()))
            .all()
            .get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** The raw baseline into a fresh {@code db}; returns its seconds. */
  private static double runRaw(
      final Connection server,
      final BenchEnvironment env,
      final SinkWorkload workload,
      final String db,
      final int connections,
      final int batchRows,
      final String when)
      throws Exception {
    SinkWorkload.createDatabase(server, db);
    final double seconds =
        new RawJdbcLoader(env.mariaDb(), connections, batchRows).load(workload.txns(), db);
    if (when != null) {
      System.out.printf(
          Locale.ROOT,
          "raw JDBC (%s the sink): %,.0f rows/s (%.2f s)%n",
          when,
          workload.rowCount() / seconds,
          seconds);
    }
    return seconds;
  }

  private static MysqlSinkConfig config(final BenchEnvironment env, final Pass pass) {
    final TopicNames names = pass.names();
    final String prefix = pass.prefix();
    final String checkpointDb = pass.checkpointDb();
    final Map<String, Object> values = new LinkedHashMap<>();
    values.put(MysqlSinkConfigLoader.CLUSTER_ID, Long.toString(CLUSTER_ID));
    values.put("kafka.bootstrap-servers", env.kafkaBootstrap());
    values.put("kafka.topic-prefix", prefix);
    values.put(MysqlSinkConfigLoader.SCHEMA_REGISTRY_URL, env.schemaRegistryUrl());
    values.put(MysqlSinkConfigLoader.CHECKPOINT_SCHEMA, checkpointDb);
    values.put(MysqlSinkConfigLoader.TO_HOST, env.mariaDb().host());
    values.put(MysqlSinkConfigLoader.TO_PORT, Integer.toString(env.mariaDb().port()));
    values.put(MysqlSinkConfigLoader.TO_USER, env.mariaDb().user());
    values.put(MysqlSinkConfigLoader.TO_PASSWORD, env.mariaDb().password());
    final MysqlSinkConfig config =
        MysqlSinkConfigLoader.from(
            Settings.of(values, new SettingOrigin(SettingOrigin.Kind.ENV, "mysql-sink bench")));
    if (!SinkWiring.topicNames(config).txn().equals(names.txn())) {
      throw new IllegalStateException("the sink would read " + SinkWiring.topicNames(config).txn());
    }
    return config;
  }

  private static void prefill(
      final BenchEnvironment env,
      final TopicNames names,
      final SinkWorkload workload,
      final String db) {
    final Map<String, Object> props = new LinkedHashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    final long start = System.nanoTime();
    try (KafkaProducer<byte[], GenericRecord> producer =
        new KafkaProducer<>(
            props,
            new ByteArraySerializer(),
            new AvroSerializer(new SchemaRegistryClient(env.schemaRegistryUrl()), false, true))) {
      for (SinkWorkload.Txn txn : workload.txns()) {
        producer.send(new ProducerRecord<>(names.txn(), 0, null, SinkWorkload.avro(txn, db)));
      }
      producer.flush();
    }
    System.out.printf(
        Locale.ROOT,
        "pre-filled %s with %,d transactions in %.1f s%n",
        names.txn(),
        workload.txns().size(),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs the sink (production checkpoint interval) until everything up to {@code lastCommitTs} is
   * committed downstream; returns the seconds.
   */
  private static double runSink(
      final MysqlSinkConfig config, final TopicNames names, final long lastCommitTs)
      throws Exception {
    final ExecutorService runner = Executors.newSingleThreadExecutor();
    try (MariaDbPoolDataSource dataSource = SinkWiring.dataSource(config)) {
      final ProgressStore progress = SinkWiring.progressStore(config, dataSource);
      final long start = System.nanoTime();
      final TxnTopicSink sink =
          new TxnTopicSink(
              SinkWiring.consumer(
                  config, names.consumerGroup(SinkWiring.COMPONENT, SinkWiring.GROUP_TARGET)),
              names.txn(),
              progress,
              SinkWiring.filter(config.syncer()),
              SinkWiring.loops(config, dataSource, progress),
              SinkWiring.CHECKPOINT_INTERVAL,
              Clock.systemUTC());
      final Future<?> running =
          runner.submit(
              () -> {
                sink.run();
                return null;
              });
      final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (sink.appliedTs() < lastCommitTs) {
        if (running.isDone()) {
          running.get();
          throw new IllegalStateException("the sink stopped at " + sink.appliedTs());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the sink is still at " + sink.appliedTs());
        }
        Thread.sleep(5);
      }
      final double seconds = (System.nanoTime() - start) / 1e9;
      sink.stop();
      running.get(60, TimeUnit.SECONDS);
      if (sink.checkpointTs() < lastCommitTs) {
        throw new IllegalStateException(
            "the sink stopped with its checkpoint at "
                + sink.checkpointTs()
                + " < "
                + lastCommitTs);
      }
      return seconds;
    } finally {
      runner.shutdownNow();
    }
  }

  /** Every database holds the workload's rows, and the same rows. */
  private static void verify(
      final Connection c, final String sinkDb, final List<String> rawDbs, final int transactions)
      throws SQLException {
    final long updates = Math.max(0, (transactions - SinkWorkload.UPDATE_DISTANCE) / 2);
    final Map<String, Long> expected =
        Map.of(
            "orders",
            (long) transactions,
            "order_items",
            3L * transactions,
            "events",
            transactions - updates);
    for (String db : concat(sinkDb, rawDbs)) {
      final long shipped = shipped(c, db);
      if (shipped != updates) {
        throw new IllegalStateException(
            db + ".orders has " + shipped + " updated rows, expected " + updates);
      }
    }
    for (SinkWorkload.Table table : SinkWorkload.TABLES) {
      final long want = expected.get(table.name());
      final long sinkSum = checksum(c, sinkDb, table.name());
      for (String db : concat(sinkDb, rawDbs)) {
        final long have = count(c, db, table.name());
        if (have != want) {
          throw new IllegalStateException(
              db + "." + table.name() + " has " + have + " rows, expected " + want);
        }
        if (checksum(c, db, table.name()) != sinkSum) {
          throw new IllegalStateException(
              db + "." + table.name() + " differs from the sink's rows (CHECKSUM TABLE)");
        }
      }
    }
    System.out.println("verified: the sink's and the baseline's databases hold the same rows");
  }

  private static List<String> concat(final String first, final List<String> rest) {
    final List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  private static long count(final Connection c, final String db, final String table)
      throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + db + "`.`" + table + "`")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long shipped(final Connection c, final String db) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM `" + db + "`.`orders` WHERE `status` = 'shipped'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long checksum(final Connection c, final String db, final String table)
      throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + db + "`.`" + table + "`")) {
      rs.next();
      return rs.getLong(2);
    }
  }

  private static Connection connect(final BenchEnvironment env) throws SQLException {
    final BenchEnvironment.MariaDb m = env.mariaDb();
    return DriverManager.getConnection(
        "jdbc:mariadb://" + m.host() + ":" + m.port() + "/", m.user(), m.password());
  }
}
