package io.kafkabinlog.tidbsim.mutation;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One full row as the sim holds it: typed values by column id, plus the hidden {@code _tidb_rowid}
 * for tables without a clustered key ({@link #NO_ROW_ID} otherwise).
 *
 * <p>Values are typed as {@code ValueCodec.toDatum} accepts them and as TiDB stores them: {@code
 * Long} for integers and YEAR ({@code BigInteger} allowed, and used for BIGINT UNSIGNED beyond
 * Long), {@code BigDecimal}, {@code Float}/{@code Double}, {@code String} for text columns and
 * {@code byte[]} for binary ones (BINARY(n) zero-padded, CHAR without trailing spaces), {@code
 * LocalDate} for DATE, {@code LocalDateTime} for DATETIME and TIMESTAMP (TIMESTAMP as the UTC wall
 * clock, which is what TiDB stores), {@code MysqlTime} for zero dates, {@code Duration} for TIME,
 * {@code String} (element name) or {@code MysqlEnum} for ENUM, {@code String} ("a,b") or {@code
 * MysqlSet} for SET, {@code MysqlBit}/{@code Long}/{@code byte[]} for BIT, JSON text for JSON, and
 * {@code null} for SQL NULL. A column id missing from the map reads as NULL.
 */
public record SimRow(Map<Long, Object> values, long rowId) {

  /** The row id of rows in tables keyed by their primary key (no hidden row id). */
  public static final long NO_ROW_ID = 0;

  public SimRow {
    Objects.requireNonNull(values, "values");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** A row of a table with an int or clustered primary key. */
  public static SimRow of(final Map<Long, Object> values) {
    return new SimRow(values, NO_ROW_ID);
  }

  /** A row of a table without a clustered key, identified by its hidden {@code _tidb_rowid}. */
  public static SimRow withRowId(final Map<Long, Object> values, final long rowId) {
    return new SimRow(values, rowId);
  }

  /** The value of a column, {@code null} for NULL or an absent column. */
  public Object value(final long columnId) {
    return values.get(columnId);
  }

  public boolean has(final long columnId) {
    return values.containsKey(columnId);
  }

  /** This row with one column set. */
  public SimRow with(final long columnId, final Object value) {
    Map<Long, Object> copy = new LinkedHashMap<>(values);
    copy.put(columnId, value);
    return new SimRow(copy, rowId);
  }

  /** This row with another row id. */
  public SimRow withRowId(final long newRowId) {
    return new SimRow(values, newRowId);
  }

  @Override
  public boolean equals(final Object o) {
    if (!(o instanceof SimRow other) || other.rowId != rowId) {
      return false;
    }
    if (!other.values.keySet().equals(values.keySet())) {
      return false;
    }
    for (Map.Entry<Long, Object> e : values.entrySet()) {
      if (!Objects.deepEquals(e.getValue(), other.values.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(rowId);
    for (Map.Entry<Long, Object> e : values.entrySet()) {
      Object v = e.getValue();
      int vh = v instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(v);
      h += e.getKey().hashCode() ^ vh;
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SimRow{");
    if (rowId != NO_ROW_ID) {
      sb.append("_tidb_rowid=").append(rowId).append(", ");
    }
    boolean first = true;
    for (Map.Entry<Long, Object> e : values.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      Object v = e.getValue();
      sb.append(e.getKey())
          .append('=')
          .append(v instanceof byte[] b ? "0x" + HexFormat.of().formatHex(b) : v);
    }
    return sb.append('}').toString();
  }
}
