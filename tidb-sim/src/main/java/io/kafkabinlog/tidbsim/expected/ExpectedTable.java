package io.kafkabinlog.tidbsim.expected;

import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.mutation.RecordKeys;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One live table of the expected state: its database, its TableInfo and its rows, identified by
 * their TiDB handle (int primary key, clustered key, or hidden row id). Rows inserted as {@link
 * LogEntry.GeneratedRows} are kept as ranges and regenerated when iterated; later changes to them
 * are kept as overrides.
 */
public final class ExpectedTable {
  private final RowGenerator generator;
  private String database;
  private long schemaId;
  private TableInfo tableInfo;
  private final Map<Key, SimRow> rows = new LinkedHashMap<>();
  private final List<GeneratedRange> generated = new ArrayList<>();

  /** Generated ids that were deleted or replaced by a row in {@link #rows}. */
  private final Set<Long> overridden = new HashSet<>();

  private long generatedLive;

  ExpectedTable(
      final String database,
      final long schemaId,
      final TableInfo tableInfo,
      final RowGenerator generator) {
    this.database = database;
    this.schemaId = schemaId;
    this.tableInfo = tableInfo;
    this.generator = generator;
  }

  public String database() {
    return database;
  }

  public long schemaId() {
    return schemaId;
  }

  public String name() {
    return tableInfo.name().o();
  }

  public long tableId() {
    return tableInfo.id();
  }

  public TableInfo tableInfo() {
    return tableInfo;
  }

  /** The number of rows. */
  public long rowCount() {
    return rows.size() + generatedLive;
  }

  /**
   * Streams every row, shaped as the current TableInfo (generated rows are regenerated one at a
   * time and never held together).
   */
  public void forEachRow(final Consumer<SimRow> action) {
    for (GeneratedRange g : generated) {
      for (long id = g.firstId; id < g.firstId + g.count; id++) {
        if (overridden.contains(id)) {
          continue;
        }
        SimRow row = generator.row(g.seed, id, g.rowBytes);
        action.accept(adapt(row, g.shape, tableInfo));
      }
    }
    rows.values().forEach(action);
  }

  /** Id ranges of the generated rows (some may have been deleted or replaced since). */
  public List<GeneratedIds> generatedIds() {
    return generated.stream().map(g -> new GeneratedIds(g.firstId, g.count)).toList();
  }

  /**
   * Streams the rows that were logged as rows, not generated: with {@link #generatedIds()}, what a
   * restarted sim restores without regenerating huge transactions.
   */
  public void forEachLoggedRow(final Consumer<SimRow> action) {
    rows.values().forEach(action);
  }

  /** Primary keys {@code firstId .. firstId + count - 1} of a generated range. */
  public record GeneratedIds(long firstId, long count) {}

  /** The row with the handle of {@code probe} (any row image of it). */
  public Optional<SimRow> row(final SimRow probe) {
    Key key = key(probe);
    SimRow row = rows.get(key);
    if (row != null) {
      return Optional.of(row);
    }
    GeneratedRange g = generatedRange(key);
    if (g != null) {
      long id = generatedId(key);
      return Optional.of(adapt(generator.row(g.seed, id, g.rowBytes), g.shape, tableInfo));
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ changes

  void insert(final SimRow row, final long commitTs) {
    Key key = key(row);
    if (exists(key)) {
      throw inconsistent(commitTs, "insert of an existing row " + row);
    }
    put(key, row);
  }

  void update(final SimRow oldRow, final SimRow newRow, final long commitTs) {
    Key oldKey = key(oldRow);
    if (!remove(oldKey)) {
      throw inconsistent(commitTs, "update of a missing row " + oldRow);
    }
    Key newKey = key(newRow);
    if (exists(newKey)) {
      throw inconsistent(commitTs, "update onto an existing row " + newRow);
    }
    put(newKey, newRow);
  }

  void delete(final SimRow row, final long commitTs) {
    if (!remove(key(row))) {
      throw inconsistent(commitTs, "delete of a missing row " + row);
    }
  }

  void addGenerated(final LogEntry.GeneratedRows g) {
    if (!tableInfo.pkIsHandle()) {
      throw new IllegalStateException(
          "generated rows need a table with an integer primary key; table "
              + database
              + "."
              + name()
              + " has none");
    }
    for (GeneratedRange r : generated) {
      if (g.firstId() < r.firstId + r.count && r.firstId < g.firstId() + g.count()) {
        throw inconsistent(g.commitTs(), "generated ids overlap an earlier generated range");
      }
    }
    for (long id = g.firstId(); id < g.firstId() + g.count(); id++) {
      if (rows.containsKey(intKey(id))) {
        throw inconsistent(g.commitTs(), "generated id " + id + " already exists");
      }
    }
    generated.add(new GeneratedRange(g.seed(), g.firstId(), g.count(), g.rowBytes(), tableInfo));
    generatedLive += g.count();
  }

  /** RENAME TABLE: another name or database, same rows. */
  void rename(final String newDatabase, final long newSchemaId, final TableInfo newInfo) {
    this.database = newDatabase;
    this.schemaId = newSchemaId;
    reshape(newInfo);
  }

  /**
   * Any other DDL on the table: rows take the new shape. A column keeps its value by id, else by
   * name from a column that is gone (a MODIFY COLUMN that rewrote the column under a new id); a new
   * column gets its origin default; dropped columns disappear.
   */
  void reshape(final TableInfo newInfo) {
    TableInfo old = this.tableInfo;
    this.tableInfo = newInfo;
    if (rows.isEmpty()) {
      return;
    }
    List<SimRow> current = new ArrayList<>(rows.values());
    rows.clear();
    for (SimRow row : current) {
      SimRow adapted = adapt(row, old, newInfo);
      rows.put(key(adapted), adapted);
    }
  }

  static SimRow adapt(final SimRow row, final TableInfo from, final TableInfo to) {
    if (from == to) {
      return row;
    }
    Map<Long, Object> values = new LinkedHashMap<>();
    for (ColumnInfo c : to.cols()) {
      if (from.columnById(c.id()).isPresent()) {
        values.put(c.id(), row.value(c.id()));
        continue;
      }
      Optional<ColumnInfo> renamed = goneColumnNamed(from, to, c.name().l());
      if (renamed.isPresent()) {
        values.put(c.id(), row.value(renamed.get().id()));
      } else {
        values.put(c.id(), ColumnDefaults.originDefault(c));
      }
    }
    return new SimRow(values, row.rowId());
  }

  private static Optional<ColumnInfo> goneColumnNamed(
      final TableInfo from, final TableInfo to, final String lowerName) {
    for (ColumnInfo c : from.cols()) {
      if (c.name().o().toLowerCase(Locale.ROOT).equals(lowerName)
          && to.columnById(c.id()).isEmpty()) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private boolean exists(final Key key) {
    return rows.containsKey(key) || generatedRange(key) != null;
  }

  private void put(final Key key, final SimRow row) {
    rows.put(key, row);
  }

  /** Removes the row with this handle; false if there is none. */
  private boolean remove(final Key key) {
    if (rows.remove(key) != null) {
      return true;
    }
    GeneratedRange g = generatedRange(key);
    if (g == null) {
      return false;
    }
    overridden.add(generatedId(key));
    generatedLive--;
    return true;
  }

  /** The range holding a live generated row with this handle, or null. */
  private GeneratedRange generatedRange(final Key key) {
    if (generated.isEmpty() || key.bytes.length != 8) {
      return null;
    }
    long id = generatedId(key);
    if (overridden.contains(id)) {
      return null;
    }
    for (GeneratedRange g : generated) {
      if (id >= g.firstId && id < g.firstId + g.count) {
        return g;
      }
    }
    return null;
  }

  private static long generatedId(final Key key) {
    long v = 0;
    for (byte b : key.bytes) {
      v = (v << 8) | (b & 0xFF);
    }
    return v ^ 0x8000000000000000L;
  }

  private static Key intKey(final long id) {
    long v = id ^ 0x8000000000000000L;
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[7 - i] = (byte) (v >>> (8 * i));
    }
    return new Key(b);
  }

  private Key key(final SimRow row) {
    return new Key(RecordKeys.handleKey(tableInfo, row));
  }

  private IllegalStateException inconsistent(final long commitTs, final String what) {
    return new IllegalStateException(
        "expected-state log is inconsistent at commit_ts "
            + commitTs
            + " in table "
            + database
            + "."
            + name()
            + ": "
            + what);
  }

  /** A row handle (the encoded handle bytes). */
  private record Key(byte[] bytes) {
    @Override
    public boolean equals(final Object o) {
      return o instanceof Key k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return java.util.HexFormat.of().formatHex(bytes);
    }
  }

  private record GeneratedRange(
      long seed, long firstId, long count, int rowBytes, TableInfo shape) {}
}
