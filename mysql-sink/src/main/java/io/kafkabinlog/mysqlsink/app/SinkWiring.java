package io.kafkabinlog.mysqlsink.app;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.mysqlsink.apply.ApplyLoop;
import io.kafkabinlog.mysqlsink.apply.DdlApplier;
import io.kafkabinlog.mysqlsink.apply.DownstreamRetry;
import io.kafkabinlog.mysqlsink.apply.ObservedApplier;
import io.kafkabinlog.mysqlsink.apply.TransactionApplier;
import io.kafkabinlog.mysqlsink.causality.CausalityScheduler;
import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.ddl.DdlTranslator;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.JdbcValues;
import io.kafkabinlog.schemas.registry.AvroDeserializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/** Builds the transactional sink's parts from {@link MysqlSinkConfig}. */
public final class SinkWiring {
  /** Consumer group target: the group is {@code <prefix>.<cluster>.mysql-sink.txn}. */
  public static final String GROUP_TARGET = "txn";

  public static final String COMPONENT = "mysql-sink";

  /** How often the checkpoint row and the Kafka offsets advance. */
  public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  private SinkWiring() {}

  public static TopicNames topicNames(final MysqlSinkConfig config) {
    return new TopicNames(config.kafka().topicPrefix(), Long.toUnsignedString(config.clusterId()));
  }

  /**
   * A pool of one connection per worker plus two (key lookups, checkpoint), over the server without
   * a default database; statements name their tables in full.
   */
  public static MariaDbPoolDataSource dataSource(final MysqlSinkConfig config) throws SQLException {
    final MysqlSinkConfig.Downstream to = config.downstream();
    final String url =
        to.jdbcUrl() + "?maxPoolSize=" + (config.syncer().workerCount() + 2) + "&minPoolSize=1";
    final MariaDbPoolDataSource pool = new MariaDbPoolDataSource(url);
    pool.setUser(to.user());
    pool.setPassword(to.password());
    return pool;
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

  /** The apply loop: DML and DDL appliers sharing one schema cache, worker-count workers. */
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
    final TransactionApplier dml =
        new TransactionApplier(
            dataSource,
            progress,
            schema,
            new DmlStatements(JdbcValues.utc()),
            retry,
            syncer.safeMode(),
            syncer.txnBatch());
    final DdlApplier ddl =
        new DdlApplier(
            dataSource, progress, schema, new DdlTranslator(), retry, syncer.ignoreTxnCommitTs());
    final ConflictKeys keys = new ConflictKeys(new DownstreamTableKeys(dataSource, schema, retry));
    return checkpointTs ->
        new ApplyLoop(
            new CausalityScheduler(syncer.workerCount(), checkpointTs),
            keys,
            new ObservedApplier(
                txn -> txn.ddl() != null ? ddl.apply(txn) : dml.apply(txn), observer),
            syncer.workerCount() * 4);
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
