package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.mysqlsink.app.SinkWiring;
import io.kafkabinlog.mysqlsink.apply.DdlApplier;
import io.kafkabinlog.mysqlsink.apply.DownstreamRetry;
import io.kafkabinlog.mysqlsink.apply.TransactionApplier;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionProgressStore;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.ddl.DdlTranslator;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.JdbcValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/** Builds the partitioned sink's parts from {@link MysqlSinkConfig}. */
public final class PartitionedWiring {
  /** Consumer group target: the group is {@code <prefix>.<cluster>.mysql-sink.rows}. */
  public static final String GROUP_TARGET = "rows";

  /** How often positions known only in memory (markers) reach the progress table. */
  public static final Duration PROGRESS_INTERVAL = Duration.ofMillis(200);

  private PartitionedWiring() {}

  /** The consumer group of the config's members. */
  public static String group(final MysqlSinkConfig config) {
    return SinkWiring.topicNames(config).consumerGroup(SinkWiring.COMPONENT, GROUP_TARGET);
  }

  /**
   * The whole partitioned sink on the rows topic of the config's names in group {@link #group};
   * creates the checkpoint tables and the partition progress table if missing.
   */
  public static PartitionedSink sink(
      final MysqlSinkConfig config, final DataSource dataSource, final SinkObserver observer)
      throws SQLException {
    return sink(config, dataSource, observer, group(config), SinkWiring.CHECKPOINT_INTERVAL);
  }

  /** {@link #sink(MysqlSinkConfig, DataSource, SinkObserver)} in another group (tests). */
  public static PartitionedSink sink(
      final MysqlSinkConfig config,
      final DataSource dataSource,
      final SinkObserver observer,
      final String group,
      final Duration checkpointInterval)
      throws SQLException {
    return sink(config, dataSource, observer, group, checkpointInterval, work -> work);
  }

  /** The same with the downstream work wrapped (tests inject failures). */
  static PartitionedSink sink(
      final MysqlSinkConfig config,
      final DataSource dataSource,
      final SinkObserver observer,
      final String group,
      final Duration checkpointInterval,
      final UnaryOperator<PartitionLane.Work> wrap)
      throws SQLException {
    final TopicNames names = SinkWiring.topicNames(config);
    final ProgressStore progress = SinkWiring.progressStore(config, dataSource);
    final PartitionProgressStore store =
        new PartitionProgressStore(dataSource, progress.schema(), config.clusterId(), names.rows());
    try (Connection connection = dataSource.getConnection()) {
      store.create(connection);
    }
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
    final DdlGate ddl =
        new DdlGate(
            dataSource,
            new DdlApplier(
                dataSource,
                progress,
                schema,
                new DdlTranslator(),
                retry,
                syncer.ignoreTxnCommitTs()),
            DdlGate.lockName(config.checkpointSchema(), config.clusterId()));
    // Cooperative: a member joining moves only the partitions it takes, the others keep applying.
    final Map<String, Object> consumerDefaults =
        Map.of(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            CooperativeStickyAssignor.class.getName(),
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
            false);
    return new PartitionedSink(
        SinkWiring.consumer(config, group, consumerDefaults),
        names.rows(),
        progress,
        store,
        SinkWiring.filter(syncer),
        wrap.apply(new DownstreamWork(dml, ddl, store, schema)),
        schema::evictAll,
        new PartitionedSink.Settings(syncer.workerCount(), PROGRESS_INTERVAL, checkpointInterval),
        Clock.systemUTC(),
        observer);
  }
}
