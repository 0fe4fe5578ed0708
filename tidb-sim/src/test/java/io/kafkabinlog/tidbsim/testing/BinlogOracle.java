package io.kafkabinlog.tidbsim.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.codec.row.RowImage;
import io.kafkabinlog.schemas.codec.row.UpdatedRow;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.expected.ColumnDefaults;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.verify.CanonicalValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The end-to-end test oracle: the final rows of every table rebuilt only from the binlogs the pumps
 * acknowledged, the DDL history and the txn-status service, the way a pump and a drainer would.
 *
 * <ol>
 *   <li>Pair: each commit (or rollback) binlog must be on the pump of its prewrite, after it, and
 *       be that prewrite with {@code tp} and {@code commit_ts} set and {@code prewrite_value}
 *       cleared; {@code start_ts < commit_ts}. A prewrite without either is resolved with the
 *       txn-status service (the pump's way for a TiDB that died after committing).
 *   <li>Replay the committed transactions in commit_ts order: a DDL binlog applies its job from the
 *       history (its FinishedTS must be the commit_ts); a DML binlog is decoded with RowCodec and
 *       the table's schema at that point, and applied by row handle (an update's or delete's old
 *       image must equal the row replayed so far).
 * </ol>
 *
 * Assertion failures name the transaction. Not thread-safe; one replay per instance.
 */
public final class BinlogOracle {
  private final LongFunction<Optional<Job>> historyJob;
  private final TxnStatusResolver txnStatus;
  private final Map<Long, String> databases = new HashMap<>();
  private final Map<Long, ReplayedTable> tables = new HashMap<>();
  private final Set<Long> deleteOnlySeen = new HashSet<>();

  /** A binlog as a pump acknowledged it: the pump and its position in that pump's arrivals. */
  public record Acked(String pump, int position, Binlog binlog) {}

  /** A committed transaction; {@code resolved}: no commit binlog came, txn status told. */
  public record Committed(Binlog prewrite, long commitTs, boolean resolved) {
    public long startTs() {
      return prewrite.getStartTs();
    }
  }

  /** What the replay found. */
  public record Result(
      Map<String, List<String>> tables, List<Committed> committed, Set<Long> rolledBack) {

    /** Committed transactions whose commit binlog never arrived. */
    public List<Committed> resolved() {
      return committed.stream().filter(Committed::resolved).toList();
    }
  }

  /**
   * @param historyJob the DDL history job by id (what a drainer fetches for a DDL binlog)
   * @param txnStatus what TiKV says about a transaction without commit binlog
   */
  public BinlogOracle(
      final LongFunction<Optional<Job>> historyJob, final TxnStatusResolver txnStatus) {
    this.historyJob = historyJob;
    this.txnStatus = txnStatus;
  }

  /** Every binlog a pump acknowledged, in its arrival order (the list index is the position). */
  public static List<Acked> acked(final String pump, final List<Binlog> received) {
    final List<Acked> out = new ArrayList<>();
    for (int i = 0; i < received.size(); i++) {
      out.add(new Acked(pump, i, received.get(i)));
    }
    return out;
  }

  public Result replay(final List<Acked> binlogs) {
    final Map<Long, Map<String, Acked>> prewrites = new HashMap<>();
    final Map<Long, Acked> finishes = new HashMap<>();
    for (Acked a : binlogs) {
      final Binlog b = a.binlog();
      if (b.getTp() == BinlogType.Prewrite) {
        final Acked twin =
            prewrites.computeIfAbsent(b.getStartTs(), k -> new HashMap<>()).get(a.pump());
        assertThat(twin).as("prewrite %d twice on pump %s", b.getStartTs(), a.pump()).isNull();
        prewrites.get(b.getStartTs()).put(a.pump(), a);
      }
    }
    for (Map<String, Acked> copies : prewrites.values()) {
      // A prewrite retried on another pump after a lost answer arrives twice, identical.
      final Binlog first = copies.values().iterator().next().binlog();
      assertThat(copies.values()).allSatisfy(c -> assertThat(c.binlog()).isEqualTo(first));
    }
    for (Acked a : binlogs) {
      final Binlog b = a.binlog();
      if (b.getTp() == BinlogType.Prewrite) {
        continue;
      }
      assertThat(b.getTp()).isIn(BinlogType.Commit, BinlogType.Rollback);
      final Acked prewrite = prewrites.getOrDefault(b.getStartTs(), Map.of()).get(a.pump());
      assertThat(prewrite)
          .as(
              "%s of start_ts %d on pump %s: its prewrite on that pump",
              b.getTp(), b.getStartTs(), a.pump())
          .isNotNull();
      assertThat(prewrite.position())
          .as("prewrite of %d acknowledged before its %s", b.getStartTs(), b.getTp())
          .isLessThan(a.position());
      final Binlog expected =
          b.getTp() == BinlogType.Commit
              ? Binlogs.commitOf(prewrite.binlog(), b.getCommitTs())
              : Binlogs.rollbackOf(prewrite.binlog());
      assertThat(b).as("%s binlog of start_ts %d", b.getTp(), b.getStartTs()).isEqualTo(expected);
      if (b.getTp() == BinlogType.Commit) {
        assertThat(b.getCommitTs())
            .as("commit_ts of %d", b.getStartTs())
            .isGreaterThan(b.getStartTs());
      }
      final Acked other = finishes.put(b.getStartTs(), a);
      assertThat(other).as("a second commit/rollback of start_ts %d", b.getStartTs()).isNull();
    }

    final List<Committed> committed = new ArrayList<>();
    final Set<Long> rolledBack = new HashSet<>();
    for (Map.Entry<Long, Map<String, Acked>> e : prewrites.entrySet()) {
      final Binlog prewrite = e.getValue().values().iterator().next().binlog();
      final Acked finish = finishes.get(e.getKey());
      if (finish != null && finish.binlog().getTp() == BinlogType.Commit) {
        committed.add(new Committed(prewrite, finish.binlog().getCommitTs(), false));
      } else if (finish != null) {
        rolledBack.add(e.getKey());
      } else {
        final TxnStatus status =
            txnStatus.resolve(e.getKey(), prewrite.getPrewriteKey().toByteArray());
        if (status instanceof TxnStatus.Committed c) {
          committed.add(new Committed(prewrite, c.commitTs(), true));
        } else if (status instanceof TxnStatus.RolledBack) {
          rolledBack.add(e.getKey());
        } else {
          fail("transaction %d has a prewrite but is still undecided", e.getKey());
        }
      }
    }
    committed.sort(Comparator.comparingLong(Committed::commitTs));
    for (int i = 1; i < committed.size(); i++) {
      assertThat(committed.get(i).commitTs())
          .as("commit_ts of %d differs from the previous one", committed.get(i).startTs())
          .isGreaterThan(committed.get(i - 1).commitTs());
    }

    for (Committed c : committed) {
      if (c.prewrite().getDdlJobId() > 0) {
        applyDdl(c);
      } else {
        applyDml(c);
      }
    }
    final Map<String, List<String>> out = new TreeMap<>();
    for (ReplayedTable t : tables.values()) {
      out.put(
          databases.get(t.schemaId) + "." + t.info.name().o(),
          StateAssertions.canonical(t.info, t.rows.values()));
    }
    return new Result(out, committed, rolledBack);
  }

  // ------------------------------------------------------------------ DDL

  private void applyDdl(final Committed c) {
    final Binlog prewrite = c.prewrite();
    final long jobId = prewrite.getDdlJobId();
    final Job job =
        historyJob
            .apply(jobId)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "DDL binlog of job " + jobId + " but the job is not in the history"));
    assertThat(prewrite.getDdlQuery().toString(StandardCharsets.UTF_8))
        .as("ddl_query of job %d", jobId)
        .isEqualTo(job.query());
    if (prewrite.getDdlSchemaState() == SchemaState.DELETE_ONLY) {
      // DROP COLUMN's first binlog: nothing changes yet.
      assertThat(job.type())
          .as("type of job %d with a DeleteOnly binlog", jobId)
          .isEqualTo(ActionType.DROP_COLUMN);
      deleteOnlySeen.add(jobId);
      return;
    }
    assertThat(job.binlog().finishedTs()).as("FinishedTS of job %d", jobId).isEqualTo(c.commitTs());
    final TableInfo info = job.binlog().tableInfo();
    switch (job.type()) {
      case ActionType.CREATE_SCHEMA ->
          databases.put(job.schemaId(), job.binlog().dbInfo().dbName().o());
      case ActionType.DROP_SCHEMA -> {
        databases.remove(job.schemaId());
        tables.values().removeIf(t -> t.schemaId == job.schemaId());
      }
      case ActionType.CREATE_TABLE ->
          tables.put(info.id(), new ReplayedTable(job.schemaId(), info));
      case ActionType.DROP_TABLE -> assertThat(tables.remove(job.tableId())).isNotNull();
      case ActionType.TRUNCATE_TABLE -> {
        final ReplayedTable old = tables.remove(job.tableId());
        assertThat(old).as("truncated table %d", job.tableId()).isNotNull();
        tables.put(info.id(), new ReplayedTable(old.schemaId, info));
      }
      case ActionType.RENAME_TABLE -> {
        final ReplayedTable t = live(job.tableId(), c);
        t.schemaId = job.schemaId();
        t.reshape(info);
      }
      default -> {
        if (job.type() == ActionType.DROP_COLUMN) {
          assertThat(deleteOnlySeen).as("DeleteOnly binlog of job %d first", jobId).contains(jobId);
        }
        live(info.id(), c).reshape(info);
      }
    }
    final long version = job.binlog().schemaVersion();
    tables.values().stream()
        .filter(t -> t.info.id() == job.tableId() || (info != null && t.info.id() == info.id()))
        .forEach(t -> t.version = version);
  }

  // ------------------------------------------------------------------ DML

  private void applyDml(final Committed c) {
    final PrewriteValue value;
    try {
      value = PrewriteValue.parseFrom(c.prewrite().getPrewriteValue());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("prewrite value of " + c.startTs() + " does not parse", e);
    }
    for (TableMutation m : value.getMutationsList()) {
      final ReplayedTable t = live(m.getTableId(), c);
      // A drainer decodes with the schema of PrewriteValue.schema_version: it must know this one.
      assertThat(value.getSchemaVersion())
          .as("schema_version of %d vs the last DDL of table %d", c.startTs(), m.getTableId())
          .isGreaterThanOrEqualTo(t.version);
      final RowCodec codec = new RowCodec(t.info);
      int inserted = 0;
      int updated = 0;
      int deleted = 0;
      for (MutationType type : m.getSequenceList()) {
        switch (type) {
          case Insert ->
              t.insert(
                  row(
                      t.info,
                      codec.decodeInserted(m.getInsertedRows(inserted++).toByteArray()),
                      true),
                  c);
          case Update -> {
            final UpdatedRow u = codec.decodeUpdated(m.getUpdatedRows(updated++).toByteArray());
            t.update(row(t.info, u.oldRow(), false), row(t.info, u.newRow(), false), c);
          }
          case DeleteRow ->
              t.delete(
                  row(
                      t.info,
                      codec.decodeDeleted(m.getDeletedRows(deleted++).toByteArray()),
                      false),
                  c);
          default -> fail("mutation type %s in transaction %d", type, c.startTs());
        }
      }
      assertThat(List.of(inserted, updated, deleted))
          .as("rows of table %d in %d used by its sequence", m.getTableId(), c.startTs())
          .containsExactly(
              m.getInsertedRowsCount(), m.getUpdatedRowsCount(), m.getDeletedRowsCount());
    }
  }

  /**
   * A decoded image as a row of the table. An insert leaves out NULL columns (and the int handle
   * column, which RowCodec restores from the handle): they take the origin default, NULL here.
   * Update and delete images hold every column.
   */
  private static SimRow row(final TableInfo t, final RowImage image, final boolean insert) {
    assertThat(image.unknownColumnIds())
        .as("column ids unknown to table %s", t.name().o())
        .isEmpty();
    final Map<Long, Object> values = new LinkedHashMap<>();
    for (ColumnInfo c : t.cols()) {
      if (image.has(c.id())) {
        values.put(c.id(), image.get(c.id()));
      } else {
        assertThat(insert).as("column %s in an update or delete image", c.name().o()).isTrue();
        values.put(c.id(), ColumnDefaults.originDefault(c));
      }
    }
    final Object rowId = image.get(TableInfo.EXTRA_HANDLE_ID);
    return new SimRow(values, rowId == null ? SimRow.NO_ROW_ID : (Long) rowId);
  }

  private ReplayedTable live(final long tableId, final Committed c) {
    final ReplayedTable t = tables.get(tableId);
    if (t == null) {
      throw new AssertionError(
          "transaction "
              + c.startTs()
              + " (commit_ts "
              + c.commitTs()
              + ") uses table id "
              + tableId
              + ", which is not live");
    }
    return t;
  }

  /** A table as replayed: its database, schema, the version of its last DDL and its rows. */
  private static final class ReplayedTable {
    long schemaId;
    TableInfo info;
    long version;
    final Map<String, SimRow> rows = new LinkedHashMap<>();

    ReplayedTable(final long schemaId, final TableInfo info) {
      this.schemaId = schemaId;
      this.info = info;
    }

    void insert(final SimRow row, final Committed c) {
      final SimRow before = rows.put(handle(row), row);
      assertThat(before).as("insert of an existing row by %d: %s", c.startTs(), row).isNull();
    }

    void update(final SimRow oldRow, final SimRow newRow, final Committed c) {
      delete(oldRow, c);
      insert(newRow, c);
    }

    void delete(final SimRow oldRow, final Committed c) {
      final SimRow current = rows.remove(handle(oldRow));
      assertThat(current).as("change of a missing row by %d: %s", c.startTs(), oldRow).isNotNull();
      assertThat(StateAssertions.canonical(info, oldRow))
          .as("old image in %d", c.startTs())
          .isEqualTo(StateAssertions.canonical(info, current));
    }

    /** ADD/DROP/MODIFY COLUMN, RENAME: rows keep values by column id, new columns their default. */
    void reshape(final TableInfo next) {
      final List<SimRow> current = new ArrayList<>(rows.values());
      rows.clear();
      info = next;
      for (SimRow r : current) {
        final Map<Long, Object> values = new LinkedHashMap<>();
        for (ColumnInfo c : next.cols()) {
          values.put(c.id(), r.has(c.id()) ? r.value(c.id()) : ColumnDefaults.originDefault(c));
        }
        final SimRow reshaped = new SimRow(values, r.rowId());
        rows.put(handle(reshaped), reshaped);
      }
    }

    /** The row's identity: its hidden row id, its integer primary key, or its clustered key. */
    String handle(final SimRow row) {
      if (info.hasHiddenRowId()) {
        return "rowid " + row.rowId();
      }
      final List<ColumnInfo> key =
          info.pkIsHandle()
              ? List.of(info.handleColumn().orElseThrow())
              : info.commonHandleColumns();
      return key.stream()
          .map(c -> CanonicalValues.ofExpected(row.value(c.id()), c.type()))
          .collect(Collectors.joining(",", "key ", ""));
    }
  }
}
