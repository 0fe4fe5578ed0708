package io.kafkabinlog.mysqlsink.e2e;

import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent witness of what the sink committed downstream: created before the sink starts, a
 * trigger on the sink's progress table copies every recorded commit_ts into an audit table without
 * a unique key. The trigger runs inside the sink's own downstream transaction, so an apply that
 * rolls back leaves nothing, and one committed twice would show twice; the sink's cleanup of old
 * progress rows (DELETE) does not touch the audit.
 */
final class AppliedAudit {
  static final String TABLE = "applied_audit";

  private final Downstream downstream;
  private final CheckpointSchema schema;

  private AppliedAudit(final Downstream downstream, final CheckpointSchema schema) {
    this.downstream = downstream;
    this.schema = schema;
  }

  /** Creates the sink's checkpoint tables (as the sink would), the audit table and the trigger. */
  static AppliedAudit install(final Downstream downstream, final String checkpointSchema)
      throws SQLException {
    final CheckpointSchema schema = CheckpointSchema.inSchema(checkpointSchema);
    try (Connection c = downstream.connect();
        Statement s = c.createStatement()) {
      schema.create(c);
      s.execute(
          "CREATE TABLE `"
              + checkpointSchema
              + "`."
              + TABLE
              + " (seq bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,"
              + " commit_ts bigint unsigned NOT NULL, KEY (commit_ts)) ENGINE=InnoDB");
      s.execute(
          "CREATE TRIGGER `"
              + checkpointSchema
              + "`.audit_applied AFTER INSERT ON "
              + schema.applied()
              + " FOR EACH ROW INSERT INTO `"
              + checkpointSchema
              + "`."
              + TABLE
              + " (commit_ts) VALUES (NEW.commit_ts)");
    }
    return new AppliedAudit(downstream, schema);
  }

  /** Every audited commit_ts in the order the sink committed them (duplicates kept). */
  List<Long> commitTs() throws SQLException {
    final List<Long> out = new ArrayList<>();
    try (Connection c = downstream.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT commit_ts FROM `" + schema.schema() + "`." + TABLE + " ORDER BY seq")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /** The qualified audit table, for samplers that read it in their own snapshot. */
  String table() {
    return "`" + schema.schema() + "`." + TABLE;
  }
}
