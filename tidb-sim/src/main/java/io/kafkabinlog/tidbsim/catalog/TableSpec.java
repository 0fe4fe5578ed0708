package io.kafkabinlog.tidbsim.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table definition as a user would write it in {@code CREATE TABLE}: columns, primary key, unique
 * and plain indexes, optional HASH partitioning. The catalog turns it into the TableInfo TiDB would
 * build (ids, flags, handle kind).
 *
 * <pre>
 * TableSpec.builder("orders")
 *     .column(ColumnSpec.bigint("id").autoIncrement())
 *     .column(ColumnSpec.varchar("note", 64))
 *     .primaryKey("id")
 *     .build();
 * </pre>
 *
 * @param primaryKey null for a table without primary key (rows keyed by the hidden {@code
 *     _tidb_rowid})
 * @param partition null when not partitioned
 */
public record TableSpec(
    String name,
    List<ColumnSpec> columns,
    PrimaryKey primaryKey,
    List<IndexSpec> indexes,
    HashPartition partition) {

  /** How the primary key is stored, as TiDB's {@code CLUSTERED}/{@code NONCLUSTERED} option. */
  public enum Clustering {
    /**
     * TiDB's default ({@code tidb_enable_clustered_index = INT_ONLY}): a single integer column is
     * the row handle ({@code pk_is_handle}); any other key is a non-clustered primary index.
     */
    DEFAULT,
    /** Clustered: integer handle for a single integer column, else a common handle. */
    CLUSTERED,
    /** A separate primary index; rows keyed by the hidden {@code _tidb_rowid}. */
    NONCLUSTERED
  }

  /** The primary key columns, in key order. */
  public record PrimaryKey(List<String> columns, Clustering clustering) {
    public PrimaryKey {
      columns = List.copyOf(columns);
      Objects.requireNonNull(clustering, "clustering");
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("a primary key needs at least one column");
      }
    }
  }

  /** A secondary index. */
  public record IndexSpec(String name, List<String> columns, boolean unique) {
    public IndexSpec {
      Objects.requireNonNull(name, "name");
      columns = List.copyOf(columns);
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("index " + name + " needs at least one column");
      }
    }
  }

  /** {@code PARTITION BY HASH (`column`) PARTITIONS count}. */
  public record HashPartition(String column, int count) {
    public HashPartition {
      Objects.requireNonNull(column, "column");
      if (count < 1 || count > 8192) {
        throw new IllegalArgumentException("partition count must be 1..8192: " + count);
      }
    }
  }

  public TableSpec {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    indexes = indexes == null ? List.of() : List.copyOf(indexes);
    if (name.isBlank()) {
      throw new IllegalArgumentException("table name must not be blank");
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " needs at least one column");
    }
  }

  /** The same definition under another table name. */
  public TableSpec withName(final String newName) {
    return new TableSpec(newName, columns, primaryKey, indexes, partition);
  }

  public static Builder builder(final String name) {
    return new Builder(name);
  }

  /** {@code CREATE TABLE `db`.`name` (...)} in MySQL syntax, TiDB-only options in comments. */
  public String toCreateSql(final String db) {
    final StringBuilder sql =
        new StringBuilder("CREATE TABLE ").append(Sql.qualified(db, name)).append(" (");
    final List<String> parts = new ArrayList<>();
    for (ColumnSpec c : columns) {
      parts.add(c.toSql());
    }
    if (primaryKey != null) {
      String pk = "PRIMARY KEY (" + nameList(primaryKey.columns()) + ")";
      if (primaryKey.clustering() == Clustering.CLUSTERED) {
        pk += " /*T![clustered_index] CLUSTERED */";
      } else if (primaryKey.clustering() == Clustering.NONCLUSTERED) {
        pk += " /*T![clustered_index] NONCLUSTERED */";
      }
      parts.add(pk);
    }
    for (IndexSpec idx : indexes) {
      parts.add(
          (idx.unique() ? "UNIQUE KEY " : "KEY ")
              + Sql.quoteName(idx.name())
              + " ("
              + nameList(idx.columns())
              + ")");
    }
    sql.append(String.join(", ", parts)).append(')');
    if (partition != null) {
      sql.append(" PARTITION BY HASH (")
          .append(Sql.quoteName(partition.column()))
          .append(") PARTITIONS ")
          .append(partition.count());
    }
    return sql.toString();
  }

  private static String nameList(final List<String> names) {
    final List<String> quoted = new ArrayList<>();
    for (String n : names) {
      quoted.add(Sql.quoteName(n));
    }
    return String.join(",", quoted);
  }

  /** Builds a {@link TableSpec}. */
  public static final class Builder {
    private final String name;
    private final List<ColumnSpec> columns = new ArrayList<>();
    private final List<IndexSpec> indexes = new ArrayList<>();
    private PrimaryKey primaryKey;
    private HashPartition partition;

    private Builder(final String name) {
      this.name = name;
    }

    public Builder column(final ColumnSpec column) {
      columns.add(column);
      return this;
    }

    /** A primary key with TiDB's default clustering (see {@link Clustering#DEFAULT}). */
    public Builder primaryKey(final String... cols) {
      primaryKey = new PrimaryKey(List.of(cols), Clustering.DEFAULT);
      return this;
    }

    /** A clustered primary key: a composite key becomes a common handle. */
    public Builder clusteredPrimaryKey(final String... cols) {
      primaryKey = new PrimaryKey(List.of(cols), Clustering.CLUSTERED);
      return this;
    }

    /** A non-clustered primary key: a primary index plus the hidden {@code _tidb_rowid}. */
    public Builder nonClusteredPrimaryKey(final String... cols) {
      primaryKey = new PrimaryKey(List.of(cols), Clustering.NONCLUSTERED);
      return this;
    }

    public Builder uniqueKey(final String indexName, final String... cols) {
      indexes.add(new IndexSpec(indexName, List.of(cols), true));
      return this;
    }

    public Builder index(final String indexName, final String... cols) {
      indexes.add(new IndexSpec(indexName, List.of(cols), false));
      return this;
    }

    public Builder hashPartitions(final String column, final int count) {
      partition = new HashPartition(column, count);
      return this;
    }

    public TableSpec build() {
      return new TableSpec(name, columns, primaryKey, indexes, partition);
    }
  }
}
