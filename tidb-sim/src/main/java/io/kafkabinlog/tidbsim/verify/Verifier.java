package io.kafkabinlog.tidbsim.verify;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedTable;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the sim's expected final state with a MariaDB/MySQL database: for every expected table
 * the row count and an order-independent checksum of canonical row texts (see {@link
 * CanonicalValues}), and for a differing table its first differing rows; tables downstream in the
 * verified databases that are not expected, and dropped databases that still exist, are differences
 * too. Database and column names downstream are TiDB's.
 *
 * <p>Reads in one read-only transaction with the session time zone UTC (TIMESTAMPs are expected in
 * UTC), through server-side prepared statements (MariaDB's binary protocol gives FLOAT values
 * exactly) with a fetch size, so large tables stream.
 */
public final class Verifier {
  public static final int DEFAULT_MAX_DIFF_ROWS = 10;
  public static final int DEFAULT_FETCH_SIZE = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final int maxDiffRows;
  private final int fetchSize;

  public Verifier(final String jdbcUrl, final String user, final String password) {
    this(jdbcUrl, user, password, DEFAULT_MAX_DIFF_ROWS, DEFAULT_FETCH_SIZE);
  }

  /**
   * @param maxDiffRows how many differing rows to show per table
   * @param fetchSize rows fetched per round trip while streaming a table
   */
  public Verifier(
      final String jdbcUrl,
      final String user,
      final String password,
      final int maxDiffRows,
      final int fetchSize) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.maxDiffRows = maxDiffRows;
    this.fetchSize = fetchSize;
  }

  /**
   * Verifies every expected table, printing a line per table (and the differing rows under it) to
   * {@code out} as it goes.
   *
   * @throws RetriableBinlogException when the database cannot be reached
   */
  public VerificationResult verify(final ExpectedState expected, final PrintStream out) {
    List<TableReport> reports = new ArrayList<>();
    try (Connection conn = connect()) {
      for (ExpectedTable table : expected.tables()) {
        report(compareTable(conn, table), reports, out);
      }
      for (String db : expected.databases()) {
        Set<String> known = new TreeSet<>();
        expected.tables().stream()
            .filter(t -> t.database().equals(db))
            .forEach(t -> known.add(t.name()));
        for (String table : downstreamTables(conn, db)) {
          if (!known.contains(table)) {
            report(unexpectedTable(conn, db, table), reports, out);
          }
        }
      }
      for (String db : expected.droppedDatabases()) {
        if (databaseExists(conn, db)) {
          report(droppedDatabase(conn, db), reports, out);
        }
      }
      conn.rollback();
    } catch (SQLException e) {
      throw new RetriableBinlogException(
          ErrorCode.DOWNSTREAM_UNAVAILABLE,
          "cannot verify against " + jdbcUrl + ": " + e.getMessage(),
          e);
    }
    VerificationResult result = new VerificationResult(reports);
    out.println(
        (result.ok() ? "OK" : "DIFF")
            + ": "
            + reports.size()
            + " tables verified, "
            + result.differing().size()
            + " differ");
    out.flush();
    return result;
  }

  private static void report(
      final TableReport report, final List<TableReport> reports, final PrintStream out) {
    reports.add(report);
    out.println(report.summaryLine());
    report.detailLines().forEach(out::println);
    out.flush();
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("useServerPrepStmts", "true");
    Connection conn = DriverManager.getConnection(jdbcUrl, props);
    try (Statement s = conn.createStatement()) {
      s.execute("SET time_zone = '+00:00'");
    }
    conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    conn.setAutoCommit(false);
    conn.setReadOnly(true);
    return conn;
  }

  private TableReport compareTable(final Connection conn, final ExpectedTable table)
      throws SQLException {
    String db = table.database();
    List<String> downstreamColumns = downstreamColumns(conn, db, table.name());
    if (downstreamColumns.isEmpty()) {
      return new TableReport(
          db,
          table.name(),
          table.rowCount(),
          -1,
          TableComparison.checksum(expectedChecksum(table)),
          "-",
          table.rowCount(),
          0,
          0,
          List.of("table is missing downstream"),
          List.of());
    }
    List<String> problems = new ArrayList<>();
    Set<String> down = new LinkedHashSet<>();
    downstreamColumns.forEach(c -> down.add(c.toLowerCase(Locale.ROOT)));
    Set<String> expectedNames = new LinkedHashSet<>();
    List<ColumnInfo> compared = new ArrayList<>();
    for (ColumnInfo c : table.tableInfo().cols()) {
      if (!c.isPublic()) {
        continue;
      }
      String lower = c.name().o().toLowerCase(Locale.ROOT);
      expectedNames.add(lower);
      if (!down.contains(lower)) {
        problems.add("column " + c.name().o() + " is missing downstream");
      } else if (!c.isGenerated()) {
        compared.add(c);
      }
    }
    for (String c : downstreamColumns) {
      if (!expectedNames.contains(c.toLowerCase(Locale.ROOT))) {
        problems.add("column " + c + " exists downstream but not in the expected table");
      }
    }
    TableComparison comparison = new TableComparison(table, compared, maxDiffRows);
    String sql =
        "SELECT " + columnList(compared) + " FROM " + quote(db) + "." + quote(table.name());
    LOG.debug("Verifying {}.{} with {}", db, table.name(), sql);
    return comparison.compare(
        sink -> {
          try (PreparedStatement ps =
              conn.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(fetchSize);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String[] values = new String[compared.size()];
                for (int i = 0; i < values.length; i++) {
                  values[i] = CanonicalValues.ofResultSet(rs, i + 1, compared.get(i).type());
                }
                sink.accept(values);
              }
            }
          }
        },
        problems);
  }

  private static long expectedChecksum(final ExpectedTable table) {
    List<ColumnInfo> cols =
        table.tableInfo().cols().stream().filter(c -> c.isPublic() && !c.isGenerated()).toList();
    long[] sum = {0};
    table.forEachRow(
        row -> {
          String[] values = new String[cols.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = CanonicalValues.ofExpected(row.value(cols.get(i).id()), cols.get(i).type());
          }
          sum[0] += TableComparison.hash(values);
        });
    return sum[0];
  }

  private TableReport unexpectedTable(final Connection conn, final String db, final String table)
      throws SQLException {
    long rows;
    try (PreparedStatement ps =
            conn.prepareStatement("SELECT COUNT(*) FROM " + quote(db) + "." + quote(table));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      rows = rs.getLong(1);
    }
    return new TableReport(
        db,
        table,
        -1,
        rows,
        "-",
        "-",
        0,
        rows,
        0,
        List.of("table exists downstream but not in the expected state"),
        List.of());
  }

  private TableReport droppedDatabase(final Connection conn, final String db) throws SQLException {
    List<String> tables = downstreamTables(conn, db);
    return new TableReport(
        db,
        "",
        -1,
        tables.size(),
        "-",
        "-",
        0,
        0,
        0,
        List.of("database was dropped but exists downstream with tables " + tables),
        List.of());
  }

  private static List<String> downstreamColumns(
      final Connection conn, final String db, final String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, db);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static List<String> downstreamTables(final Connection conn, final String db)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static boolean databaseExists(final Connection conn, final String db)
      throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private static String columnList(final List<ColumnInfo> cols) {
    if (cols.isEmpty()) {
      return "1";
    }
    List<String> names = new ArrayList<>();
    for (ColumnInfo c : cols) {
      final int tp = c.type().tp();
      if (tp == MysqlType.DATETIME || tp == MysqlType.TIMESTAMP || tp == MysqlType.DURATION) {
        // The server's text: MariaDB Connector/J's getString drops a fraction's leading zeros
        // for DATETIME(n<6) (and TIME(n<6) over the binary protocol): .012 came back as .12.
        names.add("CAST(" + quote(c.name().o()) + " AS CHAR)");
      } else {
        names.add(quote(c.name().o()));
      }
    }
    return String.join(", ", names);
  }

  static String quote(final String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
