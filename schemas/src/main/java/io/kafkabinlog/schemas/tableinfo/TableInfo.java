package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A table ({@code model.TableInfo}); the fields replication needs, unknown fields ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableInfo(
    @JsonProperty("id") long id,
    @JsonProperty("name") CIStr name,
    @JsonProperty("charset") String charset,
    @JsonProperty("collate") String collate,
    @JsonProperty("cols") List<ColumnInfo> cols,
    @JsonProperty("index_info") List<IndexInfo> indexInfo,
    @JsonProperty("state") int state,
    @JsonProperty("pk_is_handle") boolean pkIsHandle,
    @JsonProperty("is_common_handle") boolean isCommonHandle,
    @JsonProperty("common_handle_version") int commonHandleVersion,
    @JsonProperty("comment") String comment,
    @JsonProperty("auto_inc_id") long autoIncId,
    @JsonProperty("max_col_id") long maxColId,
    @JsonProperty("max_idx_id") long maxIdxId,
    @JsonProperty("update_timestamp") long updateTimestamp,
    @JsonProperty("partition") PartitionInfo partition,
    @JsonProperty("version") int version) {

  /** Column id of the hidden {@code _tidb_rowid} ("ExtraHandleID"). */
  public static final long EXTRA_HANDLE_ID = -1;

  public TableInfo {
    cols = cols == null ? List.of() : List.copyOf(cols);
    indexInfo = indexInfo == null ? List.of() : List.copyOf(indexInfo);
  }

  /** A minimal TableInfo for tests and tools. */
  public static TableInfo of(
      long id,
      String name,
      List<ColumnInfo> cols,
      List<IndexInfo> indexInfo,
      boolean pkIsHandle,
      boolean isCommonHandle) {
    long maxCol = cols.stream().mapToLong(ColumnInfo::id).max().orElse(0);
    return new TableInfo(
        id,
        CIStr.of(name),
        "utf8mb4",
        "utf8mb4_bin",
        cols,
        indexInfo,
        SchemaState.PUBLIC,
        pkIsHandle,
        isCommonHandle,
        isCommonHandle ? 1 : 0,
        "",
        0,
        maxCol,
        0,
        0,
        null,
        5);
  }

  public Optional<ColumnInfo> columnById(long columnId) {
    for (ColumnInfo c : cols) {
      if (c.id() == columnId) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The integer PK column when {@code pk_is_handle}. */
  @JsonIgnore
  public Optional<ColumnInfo> handleColumn() {
    if (!pkIsHandle) {
      return Optional.empty();
    }
    for (ColumnInfo c : cols) {
      if (c.type() != null && c.type().isPrimaryKey()) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The primary index (for clustered / common-handle tables). */
  @JsonIgnore
  public Optional<IndexInfo> primaryIndex() {
    return indexInfo.stream().filter(IndexInfo::isPrimary).findFirst();
  }

  /** The columns of the clustered primary key, in key order (empty unless is_common_handle). */
  @JsonIgnore
  public List<ColumnInfo> commonHandleColumns() {
    List<ColumnInfo> out = new ArrayList<>();
    if (!isCommonHandle) {
      return out;
    }
    IndexInfo pk = primaryIndex().orElse(null);
    if (pk == null) {
      return out;
    }
    for (IndexColumn ic : pk.idxCols()) {
      if (ic.offset() < 0 || ic.offset() >= cols.size()) {
        throw new IllegalArgumentException(
            "primary index column offset " + ic.offset() + " out of range");
      }
      out.add(cols.get(ic.offset()));
    }
    return out;
  }

  /** True when rows are keyed by the hidden {@code _tidb_rowid}. */
  @JsonIgnore
  public boolean hasHiddenRowId() {
    return !pkIsHandle && !isCommonHandle;
  }
}
