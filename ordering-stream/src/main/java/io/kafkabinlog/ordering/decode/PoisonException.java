package io.kafkabinlog.ordering.decode;

/**
 * A transaction stage 3 cannot publish: a row that does not decode, a table id with no schema, a
 * DDL job that cannot be fetched, a broken binlog. Carries what the poison-policy message names.
 */
final class PoisonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String table;
  private final long jobId;

  /**
   * @param table {@code db.table (id N)} or {@code table id N}; null when no table is involved
   * @param jobId the DDL job id, 0 for none
   */
  PoisonException(
      final String table, final long jobId, final String reason, final Throwable cause) {
    super(reason, cause);
    this.table = table;
    this.jobId = jobId;
  }

  String table() {
    return table;
  }

  long jobId() {
    return jobId;
  }

  String reason() {
    return getMessage();
  }
}
