package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * DDL history over SQL from TiDB's {@code mysql.tidb_ddl_history} (TiDB 6.2 and later; {@code
 * job_id} bigint, {@code job_meta} the job JSON): pages of {@value #PAGE} jobs in ascending id for
 * {@link #forEachJob}, one row for {@link #job}. A connection per call: the history is read once at
 * start and then a job now and then.
 */
public final class SqlSchemaSource implements SchemaSource {
  /** The setting holding the JDBC URL, named in error messages. */
  public static final String URL_SETTING = "schema-source.jdbc-url";

  /** Where TiDB keeps finished DDL jobs. */
  public static final String DEFAULT_TABLE = "mysql.tidb_ddl_history";

  static final int PAGE = 1024;

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_$]+(\\.[A-Za-z0-9_$]+)?");

  private final String jdbcUrl;
  private final Properties properties = new Properties();
  private final String table;
  private final int pageSize;

  /**
   * @param jdbcUrl e.g. {@code jdbc:mariadb://tidb:4000/} (any MySQL-protocol JDBC URL the MariaDB
   *     driver accepts)
   * @param table the history table, normally {@value #DEFAULT_TABLE}
   * @param timeout connect and socket timeout
   */
  public SqlSchemaSource(
      final String jdbcUrl,
      final String user,
      final String password,
      final String table,
      final Duration timeout) {
    this(jdbcUrl, user, password, table, timeout, PAGE);
  }

  SqlSchemaSource(
      final String jdbcUrl,
      final String user,
      final String password,
      final String table,
      final Duration timeout,
      final int pageSize) {
    this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "the DDL history table must be a plain [db.]table name like "
              + DEFAULT_TABLE
              + ", got '"
              + table
              + "'");
    }
    StringBuilder quoted = new StringBuilder();
    for (String part : table.split("\\.")) {
      quoted.append(quoted.length() == 0 ? "" : ".").append('`').append(part).append('`');
    }
    this.table = quoted.toString();
    this.pageSize = pageSize;
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
    properties.setProperty("socketTimeout", Long.toString(timeout.toMillis()));
  }

  @Override
  public void forEachJob(final Consumer<Job> consumer) {
    String sql =
        "SELECT job_id, job_meta FROM " + table + " WHERE job_id > ? ORDER BY job_id LIMIT ?";
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      long after = Long.MIN_VALUE;
      while (true) {
        s.setLong(1, after);
        s.setInt(2, pageSize);
        int n = 0;
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            after = rs.getLong(1);
            consumer.accept(parse(after, rs.getBytes(2)));
            n++;
          }
        }
        if (n < pageSize) {
          return;
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public Optional<Job> job(final long jobId) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("SELECT job_meta FROM " + table + " WHERE job_id = ?")) {
      s.setLong(1, jobId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(parse(jobId, rs.getBytes(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  private Job parse(final long jobId, final byte[] meta) {
    try {
      return TableInfoJson.parseJob(new String(meta, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "job_meta of DDL job " + jobId + " in " + table + " is not a job: " + e.getMessage(),
          e);
    }
  }

  private RuntimeException failure(final SQLException e) {
    if ("42S02".equals(e.getSQLState()) || e.getErrorCode() == 1146) {
      return new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "the DDL history table "
              + table
              + " does not exist at "
              + URL_SETTING
              + " ("
              + e.getMessage()
              + "); TiDB 6.2 or later has mysql.tidb_ddl_history",
          e);
    }
    return new RetriableBinlogException(
        ErrorCode.SCHEMA_SOURCE_UNAVAILABLE,
        "the schema source at "
            + URL_SETTING
            + " is unavailable: "
            + e.getMessage()
            + "; check that TiDB runs and that "
            + URL_SETTING
            + " names its SQL address",
        e);
  }
}
