package io.kafkabinlog.tidbsim.engine;

import com.google.protobuf.UnsafeByteOperations;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.DdlPlan;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.engine.RowLockTable.RowLockKey;
import io.kafkabinlog.tidbsim.expected.ColumnDefaults;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.expected.RowGenerator;
import io.kafkabinlog.tidbsim.mutation.GeneratedPrewrite;
import io.kafkabinlog.tidbsim.mutation.RecordKeys;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.mutation.TxnMutationsBuilder;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriter;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sim's TiDB server: runs transactions and DDL jobs over its storage and writes their binlogs
 * the way TiDB does with {@code [binlog] enable=true} (protocol section 3.1). Every commit is
 * recorded, under the row locks that order conflicting transactions, in the txn-outcome log (the
 * TiKV commit the txn-status endpoint answers from) and the expected-state log (what {@code verify}
 * compares the downstream with).
 */
public final class SimCluster {
  private static final Logger LOG = LoggerFactory.getLogger(SimCluster.class);

  /** How long a started DDL job keeps retrying its remaining binlogs. */
  static final Duration DDL_FINISH_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration DDL_RETRY_PAUSE = Duration.ofMillis(100);

  private final TimestampOracle tso;
  private final BinlogWriter binlog;
  private final Catalog catalog;
  private final TxnOutcomeLog outcomes;
  private final SimTxnStatusService txnStatus;
  private final FaultSwitch faults;
  private final ExpectedStateLog expected;
  private final SimStorage storage = new SimStorage();
  private final RowLockTable rowLocks;
  private final TableLocks tableLocks;
  private final ReentrantLock ddlLock = new ReentrantLock(true);
  private final Map<Long, Long> tableVersions = new ConcurrentHashMap<>();
  private final SimStats stats = new SimStats();

  public SimCluster(
      final TimestampOracle tso,
      final BinlogWriter binlog,
      final Catalog catalog,
      final TxnOutcomeLog outcomes,
      final SimTxnStatusService txnStatus,
      final FaultSwitch faults,
      final ExpectedStateLog expected,
      final Duration lockWaitTimeout) {
    this.tso = tso;
    this.binlog = binlog;
    this.catalog = catalog;
    this.outcomes = outcomes;
    this.txnStatus = txnStatus;
    this.faults = faults;
    this.expected = expected;
    this.rowLocks = new RowLockTable(lockWaitTimeout);
    this.tableLocks = new TableLocks(lockWaitTimeout);
    for (var db : catalog.databases()) {
      for (TableInfo t : catalog.tables(db.dbName().o())) {
        storage.create(t.id());
      }
    }
  }

  /**
   * Loads committed rows of an earlier sim process (replayed from the expected-state log). Rows of
   * generated ranges are restored with {@link #restoreGeneratedRows} instead, not as rows.
   */
  public void restoreRows(final long tableId, final Iterable<SimRow> rows, final TableInfo table) {
    storage.create(tableId);
    TableRows target = storage.rows(tableId);
    Optional<ColumnInfo> autoInc =
        table.cols().stream().filter(ColumnInfo::isAutoIncrement).findFirst();
    for (SimRow row : rows) {
      TableRows.HandleKey handle = new TableRows.HandleKey(RecordKeys.handleKey(table, row));
      target.put(handle, row);
      for (UniqueEntries.Entry e : UniqueEntries.of(table, row)) {
        target.setUniqueOwner(e.key(), handle);
      }
      autoInc.ifPresent(
          c -> {
            if (row.value(c.id()) instanceof Number n) {
              target.observeExplicitAutoIncrement(n.longValue());
            }
          });
      target.observeRowId(row.rowId());
    }
  }

  /**
   * Records generated rows committed by an earlier sim process (a {@code GeneratedRows} entry of
   * the expected-state log), without holding them.
   */
  public void restoreGeneratedRows(final long tableId, final long firstId, final long count) {
    storage.create(tableId);
    storage.rows(tableId).addGenerated(firstId, count);
  }

  /** Begins a transaction: start_ts from the TSO, the current schema version. */
  public Txn begin() {
    return new Txn(this, beginTs(), catalog.schemaVersion());
  }

  /** A start_ts; a transaction that cannot get one failed (PD unreachable). */
  private long beginTs() {
    try {
      return tso.getTimestamp();
    } catch (RuntimeException e) {
      stats.recordFailed();
      throw e;
    }
  }

  /**
   * Runs {@code body} in a transaction and commits it, retrying (up to {@code attempts} times in
   * all) when it loses a race; returns the body's result.
   */
  public <T> T inTxn(final int attempts, final TxnBody<T> body) {
    WriteConflictException last = null;
    for (int i = 0; i < attempts; i++) {
      try (Txn txn = begin()) {
        T result = body.run(txn);
        txn.commit();
        return result;
      } catch (WriteConflictException e) {
        last = e;
        stats.recordRetried();
      }
    }
    throw last;
  }

  /** The body of a transaction. */
  @FunctionalInterface
  public interface TxnBody<T> {
    T run(Txn txn);
  }

  /**
   * Runs a DDL job as TiDB's DDL owner does: one DDL prewrite binlog (two for DROP COLUMN) in its
   * own transaction, then the job in the DDL history with its FinishedTS, then the commit binlog.
   * Transactions using the table wait, and wait for it.
   */
  public Job ddl(final DdlStatement statement) {
    ddlLock.lock();
    try {
      DdlPlan plan = catalog.plan(statement);
      List<Lock> held = new ArrayList<>();
      try {
        for (long tableId : affectedTables(plan)) {
          held.add(tableLocks.exclusive(tableId));
        }
        return runDdl(plan);
      } finally {
        held.forEach(Lock::unlock);
      }
    } finally {
      ddlLock.unlock();
    }
  }

  private Job runDdl(final DdlPlan plan) {
    List<Integer> states = plan.binlogSchemaStates();
    Job job;
    try {
      job = ddlBinlogTxn(plan, states.get(0), states.size() == 1);
    } catch (RuntimeException e) {
      catalog.abort(plan);
      throw e;
    }
    for (int i = 1; i < states.size(); i++) {
      job = finishDdl(plan, states.get(i), i == states.size() - 1);
    }
    return job;
  }

  /**
   * A later binlog of a job whose first binlog (DROP COLUMN's DeleteOnly) is already committed:
   * like TiDB's DDL owner, the sim keeps trying, since a consumer waits for every job it saw a
   * binlog of to appear in the history.
   */
  private Job finishDdl(final DdlPlan plan, final int state, final boolean finishes) {
    long giveUp = System.nanoTime() + DDL_FINISH_TIMEOUT.toNanos();
    while (true) {
      try {
        return ddlBinlogTxn(plan, state, finishes);
      } catch (RetriableBinlogException e) {
        if (System.nanoTime() - giveUp > 0) {
          throw new FatalBinlogException(
              ErrorCode.INTERNAL,
              "DDL job "
                  + plan.jobId()
                  + " wrote its first binlog but could not finish within "
                  + DDL_FINISH_TIMEOUT
                  + " (PD or every pump unreachable): "
                  + e.getMessage(),
              e);
        }
        LOG.warn(
            "DDL job {} cannot write its next binlog yet, retrying: {}",
            plan.jobId(),
            e.getMessage());
        LockSupport.parkNanos(DDL_RETRY_PAUSE.toNanos());
      }
    }
  }

  /** One DDL binlog in its own transaction; with {@code finishes}, the job is committed in it. */
  private Job ddlBinlogTxn(final DdlPlan plan, final int state, final boolean finishes) {
    long startTs = beginTs();
    Binlog prewrite = Binlogs.ddl(startTs, plan.jobId(), state, plan.query());
    long commitTs;
    try {
      binlog.writePrewrite(prewrite);
      commitTs = commitTsAfter(prewrite);
    } catch (RuntimeException e) {
      stats.recordFailed();
      throw e;
    }
    outcomes.recordCommitted(startTs, commitTs);
    Job job = null;
    if (finishes) {
      job = catalog.commit(plan, startTs, commitTs);
      applyDdl(job);
      expected.appendDdl(commitTs, job);
      stats.recordDdl();
    }
    binlog.writeCommit(Binlogs.commitOf(prewrite, commitTs));
    return job;
  }

  private Set<Long> affectedTables(final DdlPlan plan) {
    Set<Long> ids = new TreeSet<>();
    if (plan.actionType() == ActionType.DROP_SCHEMA) {
      for (TableInfo t : catalog.tables(plan.schemaName())) {
        ids.add(t.id());
      }
    } else if (plan.tableId() > 0) {
      ids.add(plan.tableId());
    }
    // The table after the DDL too: TRUNCATE makes a new id, visible in the catalog before its
    // storage exists, and a transaction must not use it until the job is finished.
    plan.tableInfo().ifPresent(t -> ids.add(t.id()));
    return ids;
  }

  private void applyDdl(final Job job) {
    TableInfo after = job.binlog() == null ? null : job.binlog().tableInfo();
    long version = job.binlog() == null ? catalog.schemaVersion() : job.binlog().schemaVersion();
    switch (job.type()) {
      case ActionType.CREATE_TABLE -> storage.create(after.id());
      case ActionType.DROP_TABLE -> storage.drop(job.tableId());
      case ActionType.TRUNCATE_TABLE -> {
        storage.drop(job.tableId());
        storage.create(after.id());
      }
      case ActionType.DROP_SCHEMA -> {
        for (long id : droppedWithSchema(job)) {
          storage.drop(id);
        }
      }
      case ActionType.ADD_COLUMN, ActionType.DROP_COLUMN, ActionType.MODIFY_COLUMN -> {
        if (after != null && storage.has(after.id())) {
          storage.rows(after.id()).replaceAll(row -> conform(row, after));
        }
      }
      default -> {
        // create schema, rename table, ...: no change to stored rows
      }
    }
    if (after != null) {
      tableVersions.put(after.id(), version);
    }
    if (job.tableId() > 0) {
      tableVersions.put(job.tableId(), version);
    }
  }

  private Set<Long> droppedWithSchema(final Job job) {
    Set<Long> live = new HashSet<>();
    for (var db : catalog.databases()) {
      for (TableInfo t : catalog.tables(db.dbName().o())) {
        live.add(t.id());
      }
    }
    Set<Long> dropped = new HashSet<>(storage.tableIds());
    dropped.removeAll(live);
    return dropped;
  }

  /** A stored row in the table's new column set: added columns take their origin default. */
  private static SimRow conform(final SimRow row, final TableInfo table) {
    Map<Long, Object> values = new LinkedHashMap<>();
    for (ColumnInfo c : table.cols()) {
      if (!c.isPublic() || c.isGenerated()) {
        continue;
      }
      values.put(c.id(), row.has(c.id()) ? row.value(c.id()) : ColumnDefaults.originDefault(c));
    }
    return new SimRow(values, row.rowId());
  }

  /** The commit path of {@link Txn#commit()}, with the transaction's locks still held. */
  long commit(final Txn txn) {
    TxnMutationsBuilder m = txn.mutations();
    long startTs = txn.startTs();
    Binlog prewrite = Binlogs.prewrite(startTs, m.primaryKey(), m.build());
    long commitTs;
    try {
      binlog.writePrewrite(prewrite);
      commitTs = commitTsAfter(prewrite);
    } catch (RuntimeException e) {
      stats.recordFailed();
      throw e;
    }
    if (!txnStatus.mayCommit(startTs, commitTs)) {
      // TiKV would have resolved the expired lock: the transaction is rolled back.
      outcomes.recordRolledBack(startTs);
      binlog.writeCommit(Binlogs.rollbackOf(prewrite));
      stats.recordRolledBack();
      throw new WriteConflictException(
          "transaction with start_ts " + startTs + " outlived its lock TTL and was rolled back");
    }
    outcomes.recordCommitted(startTs, commitTs);
    for (Map.Entry<RowLockKey, Optional<SimRow>> w : txn.writes().entrySet()) {
      TableRows rows = storage.rows(w.getKey().tableId());
      if (w.getValue().isPresent()) {
        rows.put(w.getKey().handle(), w.getValue().get());
      } else {
        rows.remove(w.getKey().handle());
      }
    }
    for (Map.Entry<RowLockKey, Optional<TableRows.HandleKey>> u : txn.uniqueWrites().entrySet()) {
      storage.rows(u.getKey().tableId()).setUniqueOwner(u.getKey(), u.getValue().orElse(null));
    }
    expected.appendDml(commitTs, m.rowChanges());
    stats.recordCommitted(m.rowChanges().size());
    sendCommitBinlog(prewrite, commitTs);
    return commitTs;
  }

  /**
   * Sends the commit binlog of a committed transaction, asynchronously, unless the fault switch
   * makes the sim "crash" first (then the pump must resolve the transaction from the txn status).
   */
  private void sendCommitBinlog(final Binlog prewrite, final long commitTs) {
    if (faults.crashAfterPrewrite(prewrite.getStartTs())) {
      stats.recordCrashed();
      LOG.warn(
          "fault switch: transaction start_ts={} commit_ts={} committed without its commit binlog",
          prewrite.getStartTs(),
          commitTs);
      return;
    }
    binlog.writeCommit(Binlogs.commitOf(prewrite, commitTs));
  }

  /**
   * Commits one huge insert-only transaction of generated rows without holding them: the prewrite
   * binlog is written straight into one array (two passes over the generator, see {@link
   * GeneratedPrewrite}) and handed to the pump client without a copy; then commit_ts, the outcome
   * log, a {@code GeneratedRows} entry in the expected-state log (not the rows) and the commit
   * binlog, as {@link Txn#commit()} does. The table is locked exclusively meanwhile, and afterwards
   * only records the id range: transactions then refuse to use it.
   *
   * @throws NoSuchTableException if there is no such table
   * @throws io.kafkabinlog.tidbsim.mutation.TransactionTooLargeException if the binlog would not
   *     fit one message to a pump (about 2 GiB)
   * @throws WriteConflictException if the table changed meanwhile, or the transaction outlived its
   *     lock (rolled back)
   */
  public GeneratedCommit commitGenerated(
      final GeneratedInsert insert,
      final RowGenerator generator,
      final GeneratedPrewrite.Listener listener) {
    long schemaVersion = catalog.schemaVersion();
    long startTs = tso.getTimestamp();
    TableInfo found =
        catalog
            .table(insert.db(), insert.table())
            .orElseThrow(() -> new NoSuchTableException(insert.db(), insert.table()));
    Lock lock = tableLocks.exclusive(found.id());
    // TiDB's TTL manager: heartbeats keep the lock of a transaction that takes long to build.
    ScheduledExecutorService heartbeat =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("txn-heartbeat-" + startTs));
    try {
      heartbeat.scheduleAtFixedRate(() -> txnStatus.keepAlive(startTs), 0, 1, TimeUnit.SECONDS);
      TableInfo table = catalog.tableById(found.id()).orElse(null);
      if (table == null || tableChangedAfter(found.id(), schemaVersion)) {
        throw new WriteConflictException(
            "Information schema is changed: table "
                + insert.db()
                + "."
                + insert.table()
                + " changed after the transaction with start_ts "
                + startTs
                + " began");
      }
      TableRows rows = storage.rows(table.id());
      checkGeneratedIds(insert, rows);
      GeneratedPrewrite prewrite =
          GeneratedPrewrite.plan(
              table,
              schemaVersion,
              id -> generator.row(insert.seed(), id, insert.rowBytes()),
              insert.firstId(),
              insert.count(),
              listener);
      int size = prewrite.binlogBytes(startTs);
      LOG.info(
          "generated transaction start_ts={}: {} rows of {}.{}, prewrite binlog of {} bytes",
          startTs,
          insert.count(),
          insert.db(),
          insert.table(),
          size);
      try {
        binlog.writePrewrite(
            startTs, UnsafeByteOperations.unsafeWrap(prewrite.write(startTs, listener)));
      } catch (RuntimeException e) {
        stats.recordFailed();
        throw e;
      }
      long commitTs = tso.getTimestamp();
      Binlog withoutValue = prewrite.withoutValue(startTs);
      if (!txnStatus.mayCommit(startTs, commitTs)) {
        outcomes.recordRolledBack(startTs);
        binlog.writeCommit(Binlogs.rollbackOf(withoutValue));
        stats.recordRolledBack();
        throw new WriteConflictException(
            "transaction with start_ts " + startTs + " outlived its lock TTL and was rolled back");
      }
      outcomes.recordCommitted(startTs, commitTs);
      rows.addGenerated(insert.firstId(), insert.count());
      expected.appendGeneratedRows(
          commitTs, table.id(), insert.seed(), insert.firstId(), insert.count(), insert.rowBytes());
      stats.recordCommitted(insert.count());
      GeneratedCommit done =
          new GeneratedCommit(startTs, commitTs, table.id(), insert.count(), size);
      sendCommitBinlog(withoutValue, commitTs);
      return done;
    } finally {
      heartbeat.shutdownNow();
      txnStatus.endKeepAlive(startTs);
      lock.unlock();
    }
  }

  /** Generated rows go to a table of their own, at ids no earlier generated range holds. */
  private static void checkGeneratedIds(final GeneratedInsert insert, final TableRows rows) {
    if (rows.size() > 0) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "table "
              + insert.db()
              + "."
              + insert.table()
              + " holds "
              + rows.size()
              + " rows written by other transactions; generated rows go to a table of their own");
    }
    for (TableRows.GeneratedIds g : rows.generated()) {
      if (g.overlaps(insert.firstId(), insert.count())) {
        throw new FatalBinlogException(
            ErrorCode.CONFIG_INVALID,
            "Duplicate entry: generated ids "
                + insert.firstId()
                + ".."
                + (insert.firstId() + insert.count() - 1)
                + " of table "
                + insert.db()
                + "."
                + insert.table()
                + " overlap ids "
                + g.firstId()
                + ".."
                + (g.end() - 1)
                + " generated earlier");
      }
    }
  }

  /** The first id after every generated row of the table (1 if it has none). */
  public long nextGeneratedId(final long tableId) {
    return storage.rows(tableId).generated().stream()
        .mapToLong(TableRows.GeneratedIds::end)
        .max()
        .orElse(1);
  }

  /**
   * The commit_ts of a transaction whose prewrite binlog was acknowledged. If PD gives none, the
   * transaction fails as TiDB's 2PC does: rolled back (in the outcome log) and a Rollback binlog
   * sent to the pump of its prewrite, so the pump need not wait for the lock to expire.
   */
  private long commitTsAfter(final Binlog prewrite) {
    try {
      return tso.getTimestamp();
    } catch (RuntimeException e) {
      outcomes.recordRolledBack(prewrite.getStartTs());
      binlog.writeCommit(Binlogs.rollbackOf(prewrite));
      throw e;
    }
  }

  boolean tableChangedAfter(final long tableId, final long schemaVersion) {
    return tableVersions.getOrDefault(tableId, 0L) > schemaVersion;
  }

  public Catalog catalog() {
    return catalog;
  }

  public SimStats stats() {
    return stats;
  }

  public TimestampOracle tso() {
    return tso;
  }

  /** Rows of a table as committed, generated ones included (for workloads, and tests). */
  public int rowCount(final long tableId) {
    TableRows rows = storage.rows(tableId);
    return (int) Math.min(Integer.MAX_VALUE, rows.size() + rows.generatedRows());
  }

  SimStorage storage() {
    return storage;
  }

  RowLockTable rowLocks() {
    return rowLocks;
  }

  TableLocks tableLocks() {
    return tableLocks;
  }
}
