package io.kafkabinlog.mysqlsink.e2e;

import io.kafkabinlog.testkit.ServiceEndpoints;
import io.kafkabinlog.testkit.TestNames;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.verify.VerificationResult;
import io.kafkabinlog.tidbsim.verify.Verifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A MariaDB server the end-to-end tests replicate into (the shared one, or a private one), with
 * what the tests ask of it: unique database names, the checkpoint row, {@code tidb-sim verify}.
 */
record Downstream(String host, int port, String user, String password) {

  /** The shared local MariaDB ({@code ./scripts/services.sh}). */
  static Downstream shared() {
    final ServiceEndpoints e = ServiceEndpoints.fromEnvironment();
    return new Downstream(e.mariaDbHost(), e.mariaDbPort(), e.mariaDbUser(), e.mariaDbPassword());
  }

  /**
   * A database (or checkpoint schema) name no other test uses: short, because the ddl workload
   * appends {@code _extra<run>_<cycle>} to its database's name and MariaDB allows 64 characters.
   */
  static String uniqueName(final String readable) {
    return "e2e_" + TestNames.unique(readable, 24).replace('-', '_');
  }

  String jdbcUrl() {
    return "jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=5000";
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), user, password);
  }

  /** The sink's checkpoint row text for {@code clusterId}, if there is one. */
  Optional<String> checkpointJson(final String checkpointSchema, final String clusterId)
      throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT checkPoint FROM `"
                    + checkpointSchema
                    + "`.checkpoint WHERE clusterID = ?")) {
      ps.setString(1, clusterId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
        return Optional.empty(); // not created yet
      }
      throw e;
    }
  }

  /** {@code tidb-sim verify} against this server: the result and what it printed. */
  Verification verify(final Path simDataDir) {
    final ByteArrayOutputStream text = new ByteArrayOutputStream();
    final VerificationResult result;
    try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
      result =
          new Verifier(jdbcUrl(), user, password).verify(ExpectedStateLog.replay(simDataDir), out);
    }
    return new Verification(result, text.toString(StandardCharsets.UTF_8));
  }

  /** Drops {@code names} and every database whose name starts with one of them. */
  void dropDatabases(final String... names) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      final List<String> drop = new ArrayList<>();
      for (String name : names) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '"
                    + name.replace("_", "\\_")
                    + "%'")) {
          while (rs.next()) {
            drop.add(rs.getString(1));
          }
        }
      }
      for (String db : drop) {
        s.execute("DROP DATABASE IF EXISTS `" + db + "`");
      }
    }
  }

  /** The result of {@code tidb-sim verify} and its report. */
  record Verification(VerificationResult result, String report) {
    boolean ok() {
      return result.ok();
    }
  }
}
