package io.kafkabinlog.mysqlsink.config;

import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.mysqlsink.filter.TableName;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The mysql-sink's validated settings ({@code mysql-sink.toml}, {@code MYSQL_SINK_*} environment,
 * {@code --key=value} flags); see {@link MysqlSinkConfigLoader}. Keys in brackets are the TOML
 * keys; the original drainer.toml's are kept where they apply.
 *
 * @param clusterId [cluster-id] the upstream cluster: topic names and the checkpoint row's key; 0
 *     (default): ask PD once at start ({@code tso-urls}), as the ordering stream does
 * @param tsoUrls [tso-urls] PD's gRPC API asked for the cluster id when cluster-id is 0; default
 *     [pd-urls]
 * @param mode [mode] which topic is consumed and how
 * @param statusAddr [status-addr] HTTP {@code /status} and {@code /metrics} (127.0.0.1:8252: 8249
 *     is the drainer's and the ordering stream's, 8250 the pump's gRPC and 8251 its status, so all
 *     run on one machine)
 * @param closeTimeout [close-timeout] bound of a graceful close (SIGTERM), 30s
 * @param kafka [kafka] brokers, topic prefix, [kafka.client] pass-through
 * @param schemaRegistryUrl [schema-registry] url
 * @param initialCommitTs [initial-commit-ts] where replay starts while no checkpoint row exists
 * @param checkpointSchema [checkpoint-schema] schema of the checkpoint, progress and DDL ledger
 *     tables (tidb_binlog)
 * @param syncer [syncer] how transactions are applied and which are
 * @param downstream [syncer.to] the MySQL/MariaDB server
 */
public record MysqlSinkConfig(
    long clusterId,
    List<URI> tsoUrls,
    Mode mode,
    HostPort statusAddr,
    Duration closeTimeout,
    KafkaSettings kafka,
    URI schemaRegistryUrl,
    long initialCommitTs,
    String checkpointSchema,
    Syncer syncer,
    Downstream downstream) {

  public MysqlSinkConfig {
    tsoUrls = List.copyOf(tsoUrls);
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(statusAddr, "statusAddr");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    Objects.requireNonNull(checkpointSchema, "checkpointSchema");
    Objects.requireNonNull(syncer, "syncer");
    Objects.requireNonNull(downstream, "downstream");
  }

  /** This config with the cluster id learnt from PD in place of 0. */
  public MysqlSinkConfig withClusterId(final long resolved) {
    return new MysqlSinkConfig(
        resolved,
        tsoUrls,
        mode,
        statusAddr,
        closeTimeout,
        kafka,
        schemaRegistryUrl,
        initialCommitTs,
        checkpointSchema,
        syncer,
        downstream);
  }

  /** This config starting at {@code commitTs} while no checkpoint row exists. */
  public MysqlSinkConfig withInitialCommitTs(final long commitTs) {
    return new MysqlSinkConfig(
        clusterId,
        tsoUrls,
        mode,
        statusAddr,
        closeTimeout,
        kafka,
        schemaRegistryUrl,
        commitTs,
        checkpointSchema,
        syncer,
        downstream);
  }

  /** Which topic the sink consumes. */
  public enum Mode {
    /** The txn topic: whole upstream transactions in commit_ts order. */
    TRANSACTIONAL,
    /** The rows topic in a consumer group: per-table atomicity. */
    PARTITIONED
  }

  /**
   * [syncer]: the original drainer's apply and filter keys.
   *
   * @param workerCount [worker-count] transactions applied in parallel (16)
   * @param txnBatch [txn-batch] rows one downstream transaction carries at most (20): consecutive
   *     upstream transactions that arrive together are applied as one downstream transaction (each
   *     keeps its progress row); a larger transaction is applied alone, never split, and a DDL
   *     always alone
   * @param safeMode [safe-mode] REPLACE for INSERT, DELETE + REPLACE for UPDATE
   * @param ignoreSchemas [ignore-schemas] comma-separated, split
   * @param replicateDoDb [replicate-do-db]
   * @param replicateDoTables [[syncer.replicate-do-table]] db-name, tbl-name
   * @param ignoreTables [[syncer.ignore-table]] db-name, tbl-name
   * @param ignoreTxnCommitTs [ignore-txn-commit-ts] DDL commit_ts values recorded but not run
   */
  public record Syncer(
      int workerCount,
      int txnBatch,
      boolean safeMode,
      List<String> ignoreSchemas,
      List<String> replicateDoDb,
      List<TableName> replicateDoTables,
      List<TableName> ignoreTables,
      Set<Long> ignoreTxnCommitTs) {
    public Syncer {
      ignoreSchemas = List.copyOf(ignoreSchemas);
      replicateDoDb = List.copyOf(replicateDoDb);
      replicateDoTables = List.copyOf(replicateDoTables);
      ignoreTables = List.copyOf(ignoreTables);
      ignoreTxnCommitTs = Set.copyOf(ignoreTxnCommitTs);
    }
  }

  /**
   * [syncer.to]: the downstream server. The password is never part of {@link #toString()}.
   *
   * @param host [host]
   * @param port [port]
   * @param user [user]
   * @param password [password] from the environment or [password-file]; never from a flag
   */
  public record Downstream(String host, int port, String user, String password) {
    public Downstream {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    /** The JDBC URL of the server, without a database. */
    public String jdbcUrl() {
      return "jdbc:mariadb://" + host + ":" + port + "/";
    }

    @Override
    public String toString() {
      return "Downstream[host="
          + host
          + ", port="
          + port
          + ", user="
          + user
          + ", password="
          + (password.isEmpty() ? "" : "[hidden]")
          + "]";
    }
  }
}
