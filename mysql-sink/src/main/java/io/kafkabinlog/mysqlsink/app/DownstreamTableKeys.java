package io.kafkabinlog.mysqlsink.app;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.apply.DownstreamErrors;
import io.kafkabinlog.mysqlsink.apply.DownstreamRetry;
import io.kafkabinlog.mysqlsink.causality.TableKeysLookup;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The production {@link TableKeysLookup}: the downstream's keys through the shared {@link
 * DownstreamSchema} cache, a connection borrowed only on a cache miss. A table the downstream does
 * not have gets no unique key, so its rows serialize on the table; applying them then reports the
 * missing table with the commit_ts.
 */
public final class DownstreamTableKeys implements TableKeysLookup {
  private final DataSource dataSource;
  private final DownstreamSchema schema;
  private final DownstreamRetry retry;

  public DownstreamTableKeys(
      final DataSource dataSource, final DownstreamSchema schema, final DownstreamRetry retry) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  @Override
  public TableKeys keys(final String db, final String table) {
    // Called for every row on the submitting thread: a cache hit must not touch the pool.
    final Optional<TableKeys> cached = schema.cached(db, table);
    if (cached.isPresent()) {
      return cached.get();
    }
    return retry.run(
        "reading the keys of " + db + "." + table,
        () -> {
          try (Connection connection = dataSource.getConnection()) {
            return schema
                .find(connection, db, table)
                .orElseGet(() -> new TableKeys(db, table, List.of(), List.of(), Set.of()));
          }
        },
        e ->
            new FatalBinlogException(
                ErrorCode.DOWNSTREAM_REJECTED,
                "cannot read the keys of "
                    + db
                    + "."
                    + table
                    + " from the downstream: "
                    + DownstreamErrors.describe(e),
                e));
  }
}
