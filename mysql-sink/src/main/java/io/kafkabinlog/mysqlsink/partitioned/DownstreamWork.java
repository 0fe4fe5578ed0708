package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.apply.TransactionApplier;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionProgressStore;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The lanes' downstream work: a table's part of a transaction through {@link TransactionApplier}
 * with the partition's progress row as its exactly-once mark (locked, checked and moved in the same
 * downstream transaction), a DDL through the {@link DdlGate}.
 */
final class DownstreamWork implements PartitionLane.Work {
  private final TransactionApplier dml;
  private final DdlGate ddl;
  private final PartitionProgressStore store;
  private final DownstreamSchema schema;

  DownstreamWork(
      final TransactionApplier dml,
      final DdlGate ddl,
      final PartitionProgressStore store,
      final DownstreamSchema schema) {
    this.dml = Objects.requireNonNull(dml, "dml");
    this.ddl = Objects.requireNonNull(ddl, "ddl");
    this.store = Objects.requireNonNull(store, "store");
    this.schema = Objects.requireNonNull(schema, "schema");
  }

  @Override
  public ApplyOutcome applyRows(
      final int partition, final SinkTxn txn, final long firstOffset, final long nextOffset) {
    return dml.apply(
        txn,
        new TransactionApplier.AppliedMark() {
          @Override
          public boolean isApplied(final Connection connection) throws SQLException {
            return store.lockNextOffset(connection, partition) > firstOffset;
          }

          @Override
          public void record(final Connection connection) throws SQLException {
            // C - 1 only: another table's part of C may follow in this partition.
            store.recordApplied(connection, partition, nextOffset, txn.commitTs() - 1);
          }

          @Override
          public String describe() {
            return store.describeRecord();
          }
        });
  }

  @Override
  public ApplyOutcome applyDdl(final SinkTxn txn) {
    final ApplyOutcome outcome = ddl.apply(txn);
    if (outcome == ApplyOutcome.ALREADY_APPLIED) {
      // Another member (or lane) ran it: this process's cached keys may predate it.
      schema.evictDatabase(txn.ddl().db());
      if (txn.ddl().table() != null) {
        schema.evict(txn.ddl().db(), txn.ddl().table());
      }
    }
    return outcome;
  }
}
