package io.kafkabinlog.mysqlsink.app;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.mysqlsink.apply.ApplyLoop;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.apply.DdlApplier;
import io.kafkabinlog.mysqlsink.apply.DownstreamRetry;
import io.kafkabinlog.mysqlsink.apply.ForeignKeyTables;
import io.kafkabinlog.mysqlsink.apply.ObservedApplier;
import io.kafkabinlog.mysqlsink.apply.TransactionApplier;
import io.kafkabinlog.mysqlsink.apply.WorkerConnections;
import io.kafkabinlog.mysqlsink.causality.CausalityScheduler;
import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.ddl.DdlTranslator;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.JdbcValues;
import io.kafkabinlog.mysqlsink.sql.MultiRowInsert;
import io.kafkabinlog.schemas.registry.AvroDeserializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import javax.sql.DataSource;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mariadb.jdbc.MariaDbDataSource;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/** Builds the transactional sink's parts from {@link MysqlSinkConfig}. */
public final class SinkWiring {
  /** Consumer group target: the group is {@code <prefix>.<cluster>.mysql-sink.txn}. */
  public static final String GROUP_TARGET = "txn";

  public static final String COMPONENT = "mysql-sink";

  /** How often the checkpoint row and the Kafka offsets advance. */
  public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  /**
   * Rows one multi-row INSERT carries at most (a group has at most txn-batch rows, so this only
   * cuts a large transaction); bytes are bounded by {@link #insertBytes}.
   */
  static final int MAX_INSERT_ROWS = 1_000;

  /**
   * The pool's connection options (MariaDB Connector/J 3.5):
   *
   * <ul>
   *   <li>{@code sessionVariables=time_zone='+00:00'}: TIMESTAMP values are sent as UTC text
   *       ({@link JdbcValues#utc()}), so the session must be in UTC for the server to store the
   *       same instant.
   *   <li>{@code useBulkStmts=true}: a JDBC batch of UPDATEs or DELETEs (one statement text, many
   *       parameter sets) goes as one COM_STMT_BULK_EXECUTE instead of one command each; its update
   *       counts are SUCCESS_NO_INFO, which the sink never reads. Batches of INSERTs use it by
   *       default ({@code useBulkStmtsForInserts}).
   *   <li>{@code rewriteBatchedStatements} stays off: the sink writes multi-row INSERTs itself
   *       (bounded by rows and bytes below {@code max_allowed_packet}), and the option would force
   *       client-side prepared statements.
   *   <li>{@code allowMultiQueries} stays off here: the pool also runs the upstream's DDL text,
   *       which must not carry a second statement. The apply workers' own connections ({@link
   *       #WORKER_OPTIONS}) have it.
   * </ul>
   */
  static final String CONNECTION_OPTIONS = "sessionVariables=time_zone='+00:00'&useBulkStmts=true";

  /**
   * The apply workers' connections: {@link #CONNECTION_OPTIONS} and {@code allowMultiQueries}, so
   * that a group's statements (all generated, every value a bound parameter escaped by the driver)
   * go in one round trip instead of one each, as the original drainer's {@code
   * multiStatements=true} did.
   */
  static final String WORKER_OPTIONS = CONNECTION_OPTIONS + "&allowMultiQueries=true";

  private SinkWiring() {}

  public static TopicNames topicNames(final MysqlSinkConfig config) {
    return new TopicNames(config.kafka().topicPrefix(), Long.toUnsignedString(config.clusterId()));
  }

  /**
   * A pool for key lookups, the checkpoint and DDL (worker-count plus two at most), over the server
   * without a default database; statements name their tables in full. The apply workers keep
   * connections of their own ({@link #workerDataSource}).
   */
  public static MariaDbPoolDataSource dataSource(final MysqlSinkConfig config) throws SQLException {
    final MysqlSinkConfig.Downstream to = config.downstream();
    final String url =
        to.jdbcUrl()
            + "?maxPoolSize="
            + (config.syncer().workerCount() + 2)
            + "&minPoolSize=1&"
            + CONNECTION_OPTIONS;
    final MariaDbPoolDataSource pool = new MariaDbPoolDataSource(url);
    pool.setUser(to.user());
    pool.setPassword(to.password());
    return pool;
  }

  /** Where the apply workers take their connections from (each keeps one for the run). */
  static MariaDbDataSource workerDataSource(final MysqlSinkConfig config) throws SQLException {
    final MysqlSinkConfig.Downstream to = config.downstream();
    final MariaDbDataSource source = new MariaDbDataSource(to.jdbcUrl() + "?" + WORKER_OPTIONS);
    source.setUser(to.user());
    source.setPassword(to.password());
    return source;
  }

  /** Creates the checkpoint, progress and ledger tables if missing; the store over them. */
  public static ProgressStore progressStore(
      final MysqlSinkConfig config, final DataSource dataSource) throws SQLException {
    final CheckpointSchema schema = CheckpointSchema.inSchema(config.checkpointSchema());
    try (Connection connection = dataSource.getConnection()) {
      schema.create(connection);
    }
    return new ProgressStore(dataSource, schema, config.clusterId(), config.initialCommitTs());
  }

  public static TableFilter filter(final MysqlSinkConfig.Syncer syncer) {
    return new TableFilter(
        syncer.ignoreSchemas(),
        syncer.ignoreTables(),
        syncer.replicateDoDb(),
        syncer.replicateDoTables());
  }

  /**
   * The apply loop: DML and DDL appliers sharing one schema cache, worker-count workers, groups of
   * up to txn-batch rows.
   */
  public static TxnTopicSink.ApplyLoopFactory loops(
      final MysqlSinkConfig config, final DataSource dataSource, final ProgressStore progress) {
    return loops(config, dataSource, progress, SinkObserver.NONE);
  }

  /** {@link #loops(MysqlSinkConfig, DataSource, ProgressStore)} reporting to {@code observer}. */
  public static TxnTopicSink.ApplyLoopFactory loops(
      final MysqlSinkConfig config,
      final DataSource dataSource,
      final ProgressStore progress,
      final SinkObserver observer) {
    final MysqlSinkConfig.Syncer syncer = config.syncer();
    final DownstreamSchema schema = new DownstreamSchema();
    final DownstreamRetry retry = DownstreamRetry.defaults(observer::retried);
    final DdlApplier ddl =
        new DdlApplier(
            dataSource, progress, schema, new DdlTranslator(), retry, syncer.ignoreTxnCommitTs());
    final ConflictKeys keys = new ConflictKeys(new DownstreamTableKeys(dataSource, schema, retry));
    final ForeignKeyTables foreignKeys = new ForeignKeyTables();
    return checkpointTs -> {
      final TransactionApplier dml;
      try {
        // What a previous run applied above this checkpoint, read once: replay skips it.
        final NavigableSet<Long> appliedBefore =
            progress.appliedAbove(Checkpoint.initial(checkpointTs));
        dml =
            new TransactionApplier(
                dataSource,
                progress,
                schema,
                new DmlStatements(JdbcValues.utc()),
                retry,
                syncer.safeMode(),
                MAX_INSERT_ROWS,
                insertBytes(dataSource),
                appliedBefore,
                new WorkerConnections(workerDataSource(config), syncer.workerCount(), true),
                foreignKeys);
      } catch (SQLException e) {
        throw new RetriableBinlogException(
            ErrorCode.DOWNSTREAM_UNAVAILABLE,
            "cannot read the progress above commit_ts " + checkpointTs + ": " + e,
            e);
      }
      final ApplyLoop.Applier applier =
          new ApplyLoop.Applier() {
            @Override
            public List<ApplyOutcome> apply(final int worker, final TxnGroup group) {
              if (group.ddl() == null) {
                return dml.apply(worker, group);
              }
              try {
                return List.of(ddl.apply(group.ddl()));
              } finally {
                // Nothing runs beside a DDL, so no group sees the old foreign keys after it.
                foreignKeys.clear();
              }
            }

            @Override
            public void close() {
              dml.close();
            }
          };
      return new ApplyLoop(
          new CausalityScheduler(syncer.workerCount(), checkpointTs),
          keys,
          new ObservedApplier(applier, observer),
          syncer.workerCount() * 4,
          syncer.txnBatch());
    };
  }

  /**
   * The byte bound of a multi-row INSERT: half the server's {@code max_allowed_packet} (the
   * estimate is an upper bound, the half is for what it cannot know), at most {@link
   * MultiRowInsert#DEFAULT_MAX_BYTES} (larger statements no longer save round trips that matter).
   */
  static long insertBytes(final DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT @@max_allowed_packet")) {
      rows.next();
      return Math.max(1, Math.min(MultiRowInsert.DEFAULT_MAX_BYTES, rows.getLong(1) / 2));
    }
  }

  /** read_committed, auto commit off, from the beginning when the group has no offset. */
  public static Consumer<byte[], GenericRecord> consumer(
      final MysqlSinkConfig config, final String groupId) {
    return consumer(config, groupId, Map.of());
  }

  /**
   * {@link #consumer(MysqlSinkConfig, String)} with {@code defaults} under the configured client
   * properties (a [kafka.client] key wins).
   */
  public static Consumer<byte[], GenericRecord> consumer(
      final MysqlSinkConfig config, final String groupId, final Map<String, Object> defaults) {
    final Map<String, Object> props = new HashMap<>(defaults);
    props.putAll(config.kafka().clientProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServersString());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
    return new KafkaConsumer<>(
        props,
        new ByteArrayDeserializer(),
        new AvroDeserializer(
            new SchemaRegistryClient(config.schemaRegistryUrl().toString()), null));
  }

  /** The whole transactional sink on {@code txnTopic} (the txn topic of the config's names). */
  public static TxnTopicSink txnTopicSink(
      final MysqlSinkConfig config, final DataSource dataSource, final SinkObserver observer)
      throws SQLException {
    final TopicNames names = topicNames(config);
    final ProgressStore progress = progressStore(config, dataSource);
    return new TxnTopicSink(
        consumer(config, names.consumerGroup(COMPONENT, GROUP_TARGET)),
        names.txn(),
        progress,
        filter(config.syncer()),
        loops(config, dataSource, progress, observer),
        CHECKPOINT_INTERVAL,
        Clock.systemUTC(),
        observer);
  }
}
