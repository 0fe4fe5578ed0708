package io.kafkabinlog.tidbsim.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kafkabinlog.schemas.tableinfo.CIStr;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.PartitionInfo;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec.DefaultKind;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec.Kind;
import io.kafkabinlog.tidbsim.catalog.TableSpec.Clustering;
import io.kafkabinlog.tidbsim.catalog.TableSpec.IndexSpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Builds and changes TableInfo the way TiDB's DDL does ({@code pkg/ddl} v7.5: {@code
 * buildTableInfo}, {@code columnDefToCol}, {@code setColumnFlagWithConstraint}, {@code
 * generateOriginDefaultValue}, {@code onDropColumn}). Pure functions over TableInfo records; ids
 * come from the caller.
 */
final class TableInfos {
  /** {@code model.CurrLatestTableInfoVersion} of TiDB v7.5. */
  static final int TABLE_INFO_VERSION = 5;

  /** {@code model.CurrLatestColumnInfoVersion}: TIMESTAMP defaults are stored in UTC. */
  static final long COLUMN_INFO_VERSION = 2;

  /** {@code model.IndexTypeBtree}. */
  static final int INDEX_TYPE_BTREE = 1;

  /** {@code model.PartitionTypeHash}. */
  static final int PARTITION_TYPE_HASH = 2;

  private static final int KEY_FLAGS =
      MysqlFlag.PRI_KEY | MysqlFlag.UNIQUE_KEY | MysqlFlag.MULTIPLE_KEY;
  private static final CIStr EMPTY_NAME = new CIStr("", "");
  private static final String PRIMARY = "PRIMARY";

  private TableInfos() {}

  /**
   * The TableInfo of {@code CREATE TABLE spec} with table id {@code tableId}; partition ids come
   * from {@code ids} (TiDB allocates them right after the table id).
   */
  static TableInfo build(final TableSpec spec, final long tableId, final LongSupplier ids) {
    final List<ColumnSpec> specs = spec.columns();
    final Map<String, Integer> offsets = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      if (offsets.put(lower(specs.get(i).name()), i) != null) {
        throw new DdlException(
            DdlException.DUPLICATE_COLUMN, "Duplicate column name '" + specs.get(i).name() + "'");
      }
      validateDefault(specs.get(i));
    }
    final int[] flags = new int[specs.size()];
    final FieldType[] types = new FieldType[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      types[i] = FieldTypes.of(specs.get(i));
      flags[i] = types[i].flag();
    }

    boolean pkIsHandle = false;
    boolean commonHandle = false;
    final List<IndexInfo> indexes = new ArrayList<>();
    final Set<String> indexNames = new HashSet<>();
    final List<List<String>> uniqueKeys = new ArrayList<>();
    final Set<String> keyLeaders = new HashSet<>();
    long maxIdx = 0;
    final TableSpec.PrimaryKey pk = spec.primaryKey();
    if (pk != null) {
      final List<Integer> cols = keyOffsets(pk.columns(), offsets, PRIMARY);
      for (int off : cols) {
        flags[off] |= MysqlFlag.PRI_KEY | MysqlFlag.NOT_NULL;
      }
      if (specs.get(cols.get(0)).defaultKind() == DefaultKind.NULL) {
        throw new DdlException(
            DdlException.INVALID_DEFAULT,
            "Invalid default value for '" + specs.get(cols.get(0)).name() + "'");
      }
      final boolean singleInt = cols.size() == 1 && specs.get(cols.get(0)).kind().isInteger();
      if (singleInt && pk.clustering() != Clustering.NONCLUSTERED) {
        pkIsHandle = true;
      } else {
        commonHandle = pk.clustering() == Clustering.CLUSTERED;
        indexes.add(index(++maxIdx, PRIMARY, cols, specs, true, true));
      }
      indexNames.add(lower(PRIMARY));
      uniqueKeys.add(pk.columns());
      keyLeaders.add(lower(pk.columns().get(0)));
    }
    for (IndexSpec idx : spec.indexes()) {
      if (!indexNames.add(lower(idx.name()))) {
        throw new DdlException(
            DdlException.DUPLICATE_KEY_NAME, "Duplicate key name '" + idx.name() + "'");
      }
      final List<Integer> cols = keyOffsets(idx.columns(), offsets, idx.name());
      if (idx.unique() && cols.size() == 1) {
        flags[cols.get(0)] |= MysqlFlag.UNIQUE_KEY;
      } else {
        flags[cols.get(0)] |= MysqlFlag.MULTIPLE_KEY;
      }
      if (idx.unique()) {
        uniqueKeys.add(idx.columns());
      }
      keyLeaders.add(lower(idx.columns().get(0)));
      indexes.add(index(++maxIdx, idx.name(), cols, specs, idx.unique(), false));
    }
    checkAutoIncrement(specs, keyLeaders);

    final List<ColumnInfo> cols = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      final ColumnSpec c = specs.get(i);
      final int flag = withNoDefaultFlag(flags[i], c);
      cols.add(column(i + 1, c, i, withFlag(types[i], flag), null, null));
    }
    final PartitionInfo partition = partition(spec, offsets, uniqueKeys, ids);
    return new TableInfo(
        tableId,
        CIStr.of(spec.name()),
        FieldTypes.UTF8MB4,
        FieldTypes.UTF8MB4_BIN,
        cols,
        indexes,
        SchemaState.PUBLIC,
        pkIsHandle,
        commonHandle,
        commonHandle ? 1 : 0,
        "",
        0,
        specs.size(),
        maxIdx,
        0,
        partition,
        TABLE_INFO_VERSION);
  }

  /** The table with {@code spec} appended as a new column (id {@code max_col_id + 1}). */
  static TableInfo addColumn(final TableInfo table, final ColumnSpec spec, final Instant now) {
    if (findColumn(table, spec.name()) >= 0) {
      throw new DdlException(
          DdlException.DUPLICATE_COLUMN, "Duplicate column name '" + spec.name() + "'");
    }
    if (spec.isAutoIncrement()) {
      throw new DdlException(
          DdlException.UNSUPPORTED,
          "unsupported add column '"
              + spec.name()
              + "' constraint AUTO_INCREMENT when altering '"
              + table.name().o()
              + "'");
    }
    validateDefault(spec);
    final FieldType type = FieldTypes.of(spec);
    final FieldType typed = withFlag(type, withNoDefaultFlag(type.flag(), spec));
    final long id = table.maxColId() + 1;
    final OriginDefault origin = originDefault(spec, typed, now);
    final ColumnInfo col =
        column(id, spec, table.cols().size(), typed, origin.value(), origin.bits());
    final List<ColumnInfo> cols = new ArrayList<>(table.cols());
    cols.add(col);
    return copy(table, table.id(), cols, table.indexInfo(), id, table.partition());
  }

  /** The table without column {@code name}; single-column indexes on it are dropped with it. */
  static TableInfo dropColumn(final TableInfo table, final String name) {
    final int off = findColumn(table, name);
    if (off < 0) {
      throw new DdlException(1091, "Can't DROP '" + name + "'; check that column/key exists");
    }
    if (table.cols().size() == 1) {
      throw new DdlException(
          DdlException.CANT_REMOVE_ALL_FIELDS,
          "You can't delete all columns with ALTER TABLE; use DROP TABLE instead");
    }
    final ColumnInfo dropped = table.cols().get(off);
    if (table.pkIsHandle() && dropped.type().isPrimaryKey()) {
      throw coveredByKey(name);
    }
    final List<IndexInfo> indexes = new ArrayList<>();
    for (IndexInfo idx : table.indexInfo()) {
      final boolean covers = idx.idxCols().stream().anyMatch(ic -> ic.offset() == off);
      if (!covers) {
        indexes.add(shiftOffsets(idx, off));
      } else if (idx.isPrimary() || idx.idxCols().size() > 1) {
        throw coveredByKey(name);
      }
    }
    if (table.partition() != null
        && table.partition().expr() != null
        && table.partition().expr().equalsIgnoreCase(Sql.quoteName(dropped.name().o()))) {
      throw new DdlException(
          DdlException.UNSUPPORTED,
          "Unsupported drop column '" + name + "': the table is partitioned by it");
    }
    final List<ColumnInfo> cols = new ArrayList<>();
    for (ColumnInfo c : table.cols()) {
      if (c.offset() != off) {
        cols.add(withOffset(c, cols.size()));
      }
    }
    return copy(table, table.id(), cols, indexes, table.maxColId(), table.partition());
  }

  /** The table with column {@code spec.name()} changed in place (same id, no reorganisation). */
  static TableInfo modifyColumn(final TableInfo table, final ColumnSpec spec) {
    final int off = findColumn(table, spec.name());
    if (off < 0) {
      throw new DdlException(
          DdlException.UNKNOWN_COLUMN,
          "Unknown column '" + spec.name() + "' in '" + table.name().o() + "'");
    }
    validateDefault(spec);
    final ColumnInfo old = table.cols().get(off);
    final FieldType target = FieldTypes.of(spec);
    checkNoReorg(old, target, spec);
    int flag = target.flag() | (old.type().flag() & KEY_FLAGS);
    if (MysqlFlag.has(flag, MysqlFlag.PRI_KEY) && !spec.isNotNull()) {
      throw new DdlException(1171, "All parts of a PRIMARY KEY must be NOT NULL");
    }
    flag = withNoDefaultFlag(flag, spec);
    final ColumnInfo base = column(old.id(), spec, off, withFlag(target, flag), null, null);
    final ColumnInfo changed =
        new ColumnInfo(
            base.id(),
            old.name(),
            base.offset(),
            old.originDefault(),
            old.originDefaultBit(),
            base.defaultValue(),
            base.defaultBit(),
            base.defaultIsExpr(),
            base.generatedExprString(),
            base.generatedStored(),
            base.type(),
            base.state(),
            base.comment(),
            base.hidden(),
            old.version());
    final List<ColumnInfo> cols = new ArrayList<>(table.cols());
    cols.set(off, changed);
    return copy(table, table.id(), cols, table.indexInfo(), table.maxColId(), table.partition());
  }

  /** The same definition under a new table id and new partition ids, auto id reset (TRUNCATE). */
  static TableInfo truncated(final TableInfo table, final long newId, final LongSupplier ids) {
    PartitionInfo partition = table.partition();
    if (partition != null) {
      final List<PartitionInfo.Definition> defs = new ArrayList<>();
      for (PartitionInfo.Definition d : partition.definitions()) {
        defs.add(
            new PartitionInfo.Definition(ids.getAsLong(), d.name(), d.lessThan(), d.comment()));
      }
      partition =
          new PartitionInfo(
              partition.type(), partition.expr(), partition.columns(), partition.enable(), defs);
    }
    return copy(table, newId, table.cols(), table.indexInfo(), table.maxColId(), partition);
  }

  static TableInfo renamed(final TableInfo table, final String newName) {
    return new TableInfo(
        table.id(),
        CIStr.of(newName),
        table.charset(),
        table.collate(),
        table.cols(),
        table.indexInfo(),
        table.state(),
        table.pkIsHandle(),
        table.isCommonHandle(),
        table.commonHandleVersion(),
        table.comment(),
        table.autoIncId(),
        table.maxColId(),
        table.maxIdxId(),
        table.updateTimestamp(),
        table.partition(),
        table.version());
  }

  /** The table as it is stored at commit: {@code update_timestamp} and the final state. */
  static TableInfo stamped(final TableInfo table, final long updateTs, final int state) {
    return new TableInfo(
        table.id(),
        table.name(),
        table.charset(),
        table.collate(),
        table.cols(),
        table.indexInfo(),
        state,
        table.pkIsHandle(),
        table.isCommonHandle(),
        table.commonHandleVersion(),
        table.comment(),
        table.autoIncId(),
        table.maxColId(),
        table.maxIdxId(),
        updateTs,
        table.partition(),
        table.version());
  }

  static int findColumn(final TableInfo table, final String name) {
    final String l = lower(name);
    for (ColumnInfo c : table.cols()) {
      if (c.name().l().equals(l)) {
        return c.offset();
      }
    }
    return -1;
  }

  private static DdlException coveredByKey(final String name) {
    return new DdlException(
        DdlException.UNSUPPORTED,
        "can't drop column " + name + " with composite index covered or Primary Key covered now");
  }

  private static IndexInfo shiftOffsets(final IndexInfo idx, final int droppedOffset) {
    final List<IndexColumn> cols = new ArrayList<>();
    for (IndexColumn ic : idx.idxCols()) {
      final int off = ic.offset() > droppedOffset ? ic.offset() - 1 : ic.offset();
      cols.add(new IndexColumn(ic.name(), off, ic.length()));
    }
    return new IndexInfo(
        idx.id(),
        idx.idxName(),
        idx.tblName(),
        cols,
        idx.state(),
        idx.comment(),
        idx.indexType(),
        idx.isUnique(),
        idx.isPrimary(),
        idx.isInvisible(),
        idx.isGlobal());
  }

  private static void checkNoReorg(
      final ColumnInfo old, final FieldType target, final ColumnSpec spec) {
    final FieldType from = old.type();
    final String name = old.name().o();
    // NOT NULL -> NULL widens and is fine; the other way needs a scan of the data.
    if (!from.isNotNull() && spec.effectivelyNotNull()) {
      throw unsupportedModify(name, "NULL to NOT NULL needs a data check TiDB-sim does not do");
    }
    if (MysqlFlag.has(from.flag(), MysqlFlag.AUTO_INCREMENT) != spec.isAutoIncrement()) {
      throw unsupportedModify(name, "adding or removing AUTO_INCREMENT");
    }
    if (MysqlType.isInteger(from.tp()) && spec.kind().isInteger()) {
      if (from.isUnsigned() != spec.isUnsigned()) {
        throw unsupportedModify(name, "changing the signedness of an integer");
      }
      if (intRank(target.tp()) < intRank(from.tp())) {
        throw unsupportedModify(name, "narrowing an integer type");
      }
      return;
    }
    if (from.tp() != target.tp() || !eq(from.charset(), target.charset())) {
      throw unsupportedModify(name, "changing the column type needs a reorganisation");
    }
    switch (spec.kind()) {
      case VARCHAR, VARBINARY, CHAR -> {
        if (target.flen() < from.flen()) {
          throw unsupportedModify(name, "shortening a string column");
        }
      }
      case ENUM, SET -> {
        final List<String> was = from.elems() == null ? List.of() : from.elems();
        if (target.elems().size() < was.size()
            || !target.elems().subList(0, was.size()).equals(was)) {
          throw unsupportedModify(name, "ENUM/SET elements can only be appended");
        }
      }
      case BINARY, DECIMAL, BIT, DATETIME, TIMESTAMP, TIME -> {
        if (target.flen() != from.flen() || target.decimal() != from.decimal()) {
          throw unsupportedModify(name, "changing the length/precision of " + spec.kind());
        }
      }
      default -> {}
    }
  }

  private static int intRank(final int tp) {
    return switch (tp) {
      case MysqlType.TINY -> 1;
      case MysqlType.SHORT -> 2;
      case MysqlType.INT24 -> 3;
      case MysqlType.LONG -> 4;
      case MysqlType.LONGLONG -> 5;
      default -> 0;
    };
  }

  private static DdlException unsupportedModify(final String column, final String why) {
    return new DdlException(
        DdlException.UNSUPPORTED, "Unsupported modify column '" + column + "': " + why);
  }

  private static boolean eq(final String a, final String b) {
    return a == null ? b == null : a.equalsIgnoreCase(b);
  }

  private static void checkAutoIncrement(
      final List<ColumnSpec> specs, final Set<String> keyLeaders) {
    int autos = 0;
    boolean unkeyed = false;
    for (ColumnSpec c : specs) {
      if (c.isAutoIncrement()) {
        autos++;
        unkeyed |= !keyLeaders.contains(lower(c.name()));
      }
    }
    if (autos > 1 || unkeyed) {
      throw new DdlException(
          DdlException.WRONG_AUTO_KEY,
          "Incorrect table definition; there can be only one auto column and it must be defined"
              + " as a key");
    }
  }

  private static void validateDefault(final ColumnSpec c) {
    if (c.defaultKind() == DefaultKind.NULL && c.effectivelyNotNull()) {
      throw new DdlException(
          DdlException.INVALID_DEFAULT, "Invalid default value for '" + c.name() + "'");
    }
    final Kind k = c.kind();
    final boolean blobLike =
        k == Kind.TINYTEXT
            || k == Kind.TEXT
            || k == Kind.MEDIUMTEXT
            || k == Kind.LONGTEXT
            || k == Kind.TINYBLOB
            || k == Kind.BLOB
            || k == Kind.MEDIUMBLOB
            || k == Kind.LONGBLOB
            || k == Kind.JSON;
    if (blobLike && c.defaultKind() == DefaultKind.LITERAL) {
      throw new DdlException(
          1101, "BLOB/TEXT/JSON column '" + c.name() + "' can't have a default value");
    }
    if (k == Kind.BIT && c.defaultKind() == DefaultKind.LITERAL) {
      try {
        new BigInteger(c.defaultValue());
      } catch (NumberFormatException e) {
        throw new DdlException(
            DdlException.INVALID_DEFAULT,
            "Invalid default value for '" + c.name() + "': BIT defaults are decimal numbers");
      }
    }
    if ((k == Kind.ENUM)
        && c.defaultKind() == DefaultKind.LITERAL
        && !c.elems().contains(c.defaultValue())) {
      throw new DdlException(
          DdlException.INVALID_DEFAULT, "Invalid default value for '" + c.name() + "'");
    }
  }

  /**
   * {@code setNoDefaultValueFlag}: NOT NULL without DEFAULT, unless AUTO_INCREMENT or TIMESTAMP.
   */
  private static int withNoDefaultFlag(final int flag, final ColumnSpec c) {
    if (c.defaultKind() == DefaultKind.NONE
        && MysqlFlag.has(flag, MysqlFlag.NOT_NULL)
        && !c.isAutoIncrement()
        && c.kind() != Kind.TIMESTAMP) {
      return flag | MysqlFlag.NO_DEFAULT_VALUE;
    }
    return flag & ~MysqlFlag.NO_DEFAULT_VALUE;
  }

  private static List<Integer> keyOffsets(
      final List<String> names, final Map<String, Integer> offsets, final String keyName) {
    final List<Integer> out = new ArrayList<>();
    final Set<String> seen = new HashSet<>();
    for (String n : names) {
      final Integer off = offsets.get(lower(n));
      if (off == null) {
        throw new DdlException(
            DdlException.KEY_COLUMN_DOES_NOT_EXIST,
            "Key column '" + n + "' doesn't exist in table");
      }
      if (!seen.add(lower(n))) {
        throw new DdlException(1060, "Duplicate column name '" + n + "' in key " + keyName);
      }
      out.add(off);
    }
    return out;
  }

  private static IndexInfo index(
      final long id,
      final String name,
      final List<Integer> offsets,
      final List<ColumnSpec> specs,
      final boolean unique,
      final boolean primary) {
    final List<IndexColumn> cols = new ArrayList<>();
    for (int off : offsets) {
      cols.add(new IndexColumn(CIStr.of(specs.get(off).name()), off, -1));
    }
    return new IndexInfo(
        id,
        CIStr.of(name),
        EMPTY_NAME,
        cols,
        SchemaState.PUBLIC,
        "",
        INDEX_TYPE_BTREE,
        unique,
        primary,
        false,
        false);
  }

  private static PartitionInfo partition(
      final TableSpec spec,
      final Map<String, Integer> offsets,
      final List<List<String>> uniqueKeys,
      final LongSupplier ids) {
    final TableSpec.HashPartition hash = spec.partition();
    if (hash == null) {
      return null;
    }
    final Integer off = offsets.get(lower(hash.column()));
    if (off == null) {
      throw new DdlException(
          DdlException.UNKNOWN_COLUMN,
          "Unknown column '" + hash.column() + "' in 'partition function'");
    }
    final ColumnSpec col = spec.columns().get(off);
    if (!col.kind().isInteger()) {
      throw new DdlException(
          1659,
          "Field '" + col.name() + "' is of a not allowed type for this type of partitioning");
    }
    for (List<String> key : uniqueKeys) {
      if (key.stream().noneMatch(k -> lower(k).equals(lower(col.name())))) {
        throw new DdlException(
            DdlException.UNIQUE_KEY_NEEDS_ALL_PARTITION_FIELDS,
            "A UNIQUE INDEX must include all columns in the table's partitioning function");
      }
    }
    final List<PartitionInfo.Definition> defs = new ArrayList<>();
    for (int i = 0; i < hash.count(); i++) {
      defs.add(new PartitionInfo.Definition(ids.getAsLong(), CIStr.of("p" + i), null, ""));
    }
    return new PartitionInfo(PARTITION_TYPE_HASH, Sql.quoteName(col.name()), null, true, defs);
  }

  private record Defaults(JsonNode value, String bits) {}

  private record OriginDefault(JsonNode value, String bits) {}

  private static Defaults defaults(final ColumnSpec c, final FieldType type) {
    return switch (c.defaultKind()) {
      case NONE, NULL -> new Defaults(null, null);
      case CURRENT_TIMESTAMP -> new Defaults(text("CURRENT_TIMESTAMP"), null);
      case LITERAL -> {
        if (c.kind() == Kind.BIT) {
          final byte[] bytes = bitBytes(new BigInteger(c.defaultValue()), type.flen());
          yield new Defaults(
              text(new String(bytes, StandardCharsets.ISO_8859_1)),
              Base64.getEncoder().encodeToString(bytes));
        }
        yield new Defaults(text(c.defaultValue()), null);
      }
    };
  }

  /**
   * {@code generateOriginDefaultValue}: the value rows written before ADD COLUMN read as. The
   * default; else, for a NOT NULL column, the first ENUM element or the type's zero value; a
   * CURRENT_TIMESTAMP default becomes the DDL time (UTC: the sim runs its sessions in UTC).
   */
  private static OriginDefault originDefault(
      final ColumnSpec c, final FieldType type, final Instant now) {
    final Defaults d = defaults(c, type);
    if (c.defaultKind() == DefaultKind.CURRENT_TIMESTAMP) {
      return new OriginDefault(text(formatTime(now, c.kind(), type.decimal())), null);
    }
    if (d.value() != null) {
      return new OriginDefault(d.value(), d.bits());
    }
    if (!type.isNotNull()) {
      return new OriginDefault(null, null);
    }
    if (c.kind() == Kind.BIT) {
      final byte[] zero = bitBytes(BigInteger.ZERO, type.flen());
      return new OriginDefault(
          text(new String(zero, StandardCharsets.ISO_8859_1)),
          Base64.getEncoder().encodeToString(zero));
    }
    return new OriginDefault(text(zeroValue(c, type)), null);
  }

  private static String zeroValue(final ColumnSpec c, final FieldType type) {
    final String frac = type.decimal() > 0 ? "." + "0".repeat(type.decimal()) : "";
    return switch (c.kind()) {
      case DATE -> "0000-00-00";
      case DATETIME, TIMESTAMP -> "0000-00-00 00:00:00" + frac;
      case TIME -> "00:00:00" + frac;
      case ENUM -> c.elems().get(0);
      case JSON -> "null";
      case TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, DECIMAL, FLOAT, DOUBLE, YEAR -> "0";
      default -> "";
    };
  }

  private static String formatTime(final Instant now, final Kind kind, final int fsp) {
    final String pattern =
        fsp > 0 ? "yyyy-MM-dd HH:mm:ss." + "S".repeat(fsp) : "yyyy-MM-dd HH:mm:ss";
    return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(now);
  }

  private static byte[] bitBytes(final BigInteger value, final int width) {
    final int n = Math.max(1, (Math.max(width, 1) + 7) / 8);
    final byte[] out = new byte[n];
    final byte[] raw = value.toByteArray();
    for (int i = 0; i < Math.min(n, raw.length); i++) {
      out[n - 1 - i] = raw[raw.length - 1 - i];
    }
    return out;
  }

  private static ColumnInfo column(
      final long id,
      final ColumnSpec c,
      final int offset,
      final FieldType type,
      final JsonNode originDefault,
      final String originDefaultBit) {
    final Defaults d = defaults(c, type);
    return new ColumnInfo(
        id,
        CIStr.of(c.name()),
        offset,
        originDefault,
        originDefaultBit,
        d.value(),
        d.bits(),
        false,
        "",
        false,
        type,
        SchemaState.PUBLIC,
        "",
        false,
        COLUMN_INFO_VERSION);
  }

  private static ColumnInfo withOffset(final ColumnInfo c, final int offset) {
    return new ColumnInfo(
        c.id(),
        c.name(),
        offset,
        c.originDefault(),
        c.originDefaultBit(),
        c.defaultValue(),
        c.defaultBit(),
        c.defaultIsExpr(),
        c.generatedExprString(),
        c.generatedStored(),
        c.type(),
        c.state(),
        c.comment(),
        c.hidden(),
        c.version());
  }

  private static FieldType withFlag(final FieldType t, final int flag) {
    return new FieldType(
        t.tp(),
        flag,
        t.flen(),
        t.decimal(),
        t.charset(),
        t.collate(),
        t.elems(),
        t.elemsIsBinaryLit(),
        t.array());
  }

  private static TableInfo copy(
      final TableInfo t,
      final long id,
      final List<ColumnInfo> cols,
      final List<IndexInfo> indexes,
      final long maxColId,
      final PartitionInfo partition) {
    return new TableInfo(
        id,
        t.name(),
        t.charset(),
        t.collate(),
        cols,
        indexes,
        t.state(),
        t.pkIsHandle(),
        t.isCommonHandle(),
        t.commonHandleVersion(),
        t.comment(),
        id == t.id() ? t.autoIncId() : 0,
        maxColId,
        t.maxIdxId(),
        t.updateTimestamp(),
        partition,
        t.version());
  }

  private static JsonNode text(final String s) {
    return JsonNodeFactory.instance.textNode(s);
  }

  private static String lower(final String s) {
    return CatalogSnapshot.lower(s);
  }
}
