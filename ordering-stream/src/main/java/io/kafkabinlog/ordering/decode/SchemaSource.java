package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.schemas.tableinfo.Job;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where stage 3 gets DDL jobs (with the schema after each): TiDB's status API {@code GET
 * /ddl/history} (tidb-sim serves the same), or {@code mysql.tidb_ddl_history} over SQL.
 *
 * <p>Implementations throw {@link io.kafkabinlog.common.error.RetriableBinlogException} with code
 * {@code SCHEMA_SOURCE_UNAVAILABLE} when the source cannot be reached.
 */
public interface SchemaSource extends AutoCloseable {

  /** Every job of the history, in ascending job id, paged; for the first start. */
  void forEachJob(Consumer<Job> consumer);

  /** The job with this id, or empty if the source does not (yet) have it. */
  Optional<Job> job(long jobId);

  @Override
  default void close() {}
}
