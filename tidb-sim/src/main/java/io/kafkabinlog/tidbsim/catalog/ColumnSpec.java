package io.kafkabinlog.tidbsim.catalog;

import java.util.List;
import java.util.Objects;

/**
 * One column of a {@link TableSpec}, as a user would write it in {@code CREATE TABLE}. Immutable:
 * every modifier returns a copy, so specs can be shared by workloads.
 *
 * <pre>
 * ColumnSpec.bigint("id").unsigned().autoIncrement()
 * ColumnSpec.varchar("name", 20).notNull().defaultValue("")
 * ColumnSpec.decimal("price", 10, 2)
 * ColumnSpec.of("created", ColumnSpec.Kind.DATETIME).fsp(3)
 * </pre>
 *
 * <p>{@link FieldTypes} turns a spec into the {@code FieldType} TiDB would store for it.
 *
 * @param length display width / character length / bit width; -1 = the type's default
 * @param scale decimal scale or fractional-seconds precision; -1 = the type's default
 * @param elems ENUM/SET elements (empty otherwise)
 * @param defaultValue the DEFAULT literal as TiDB stores it (text), when {@code defaultKind} is
 *     {@link DefaultKind#LITERAL}
 */
public record ColumnSpec(
    String name,
    Kind kind,
    int length,
    int scale,
    boolean isUnsigned,
    boolean isNotNull,
    boolean isAutoIncrement,
    DefaultKind defaultKind,
    String defaultValue,
    List<String> elems) {

  /** The column types the sim supports (the common MySQL types). */
  public enum Kind {
    TINYINT,
    SMALLINT,
    MEDIUMINT,
    INT,
    BIGINT,
    DECIMAL,
    FLOAT,
    DOUBLE,
    CHAR,
    VARCHAR,
    TINYTEXT,
    TEXT,
    MEDIUMTEXT,
    LONGTEXT,
    BINARY,
    VARBINARY,
    TINYBLOB,
    BLOB,
    MEDIUMBLOB,
    LONGBLOB,
    DATE,
    DATETIME,
    TIMESTAMP,
    TIME,
    YEAR,
    JSON,
    ENUM,
    SET,
    BIT;

    public boolean isInteger() {
      return this == TINYINT
          || this == SMALLINT
          || this == MEDIUMINT
          || this == INT
          || this == BIGINT;
    }

    /** Types that take a fractional-seconds precision. */
    public boolean hasFsp() {
      return this == DATETIME || this == TIMESTAMP || this == TIME;
    }

    /** CHAR/VARCHAR/TEXT family, ENUM and SET: they carry the table's character set. */
    public boolean isText() {
      return this == CHAR
          || this == VARCHAR
          || this == TINYTEXT
          || this == TEXT
          || this == MEDIUMTEXT
          || this == LONGTEXT
          || this == ENUM
          || this == SET;
    }

    /** BINARY/VARBINARY/BLOB family: charset "binary" and the BINARY flag. */
    public boolean isBinaryString() {
      return this == BINARY
          || this == VARBINARY
          || this == TINYBLOB
          || this == BLOB
          || this == MEDIUMBLOB
          || this == LONGBLOB;
    }
  }

  /** Whether and how the column has a DEFAULT clause. */
  public enum DefaultKind {
    /** No DEFAULT clause. */
    NONE,
    /** {@code DEFAULT NULL}. */
    NULL,
    /** {@code DEFAULT 'literal'}. */
    LITERAL,
    /** {@code DEFAULT CURRENT_TIMESTAMP[(fsp)]} (DATETIME and TIMESTAMP only). */
    CURRENT_TIMESTAMP
  }

  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(defaultKind, "defaultKind");
    if (name.isBlank()) {
      throw new IllegalArgumentException("column name must not be blank");
    }
    elems = elems == null ? List.of() : List.copyOf(elems);
    if ((kind == Kind.ENUM || kind == Kind.SET) && elems.isEmpty()) {
      throw new IllegalArgumentException(kind + " column " + name + " needs at least one element");
    }
    if (defaultKind == DefaultKind.LITERAL) {
      Objects.requireNonNull(defaultValue, "defaultValue");
    } else if (defaultValue != null) {
      throw new IllegalArgumentException("defaultValue is only set for a LITERAL default");
    }
    if (defaultKind == DefaultKind.CURRENT_TIMESTAMP
        && kind != Kind.DATETIME
        && kind != Kind.TIMESTAMP) {
      throw new IllegalArgumentException(
          "DEFAULT CURRENT_TIMESTAMP needs a DATETIME or TIMESTAMP column, not " + kind);
    }
    if (isAutoIncrement && !kind.isInteger()) {
      throw new IllegalArgumentException("AUTO_INCREMENT needs an integer column, not " + kind);
    }
    if (isUnsigned
        && !(kind.isInteger()
            || kind == Kind.DECIMAL
            || kind == Kind.FLOAT
            || kind == Kind.DOUBLE)) {
      throw new IllegalArgumentException("UNSIGNED needs a numeric column, not " + kind);
    }
    if (kind.hasFsp() && (scale < -1 || scale > 6)) {
      throw new IllegalArgumentException("fractional seconds precision must be 0..6: " + scale);
    }
    if (kind == Kind.DECIMAL && length != -1 && (length < 1 || length > 65)) {
      throw new IllegalArgumentException("DECIMAL precision must be 1..65: " + length);
    }
    if (kind == Kind.DECIMAL && scale != -1 && (scale < 0 || scale > 30 || scale > length)) {
      throw new IllegalArgumentException(
          "DECIMAL scale must be 0..30 and <= precision: (" + length + "," + scale + ")");
    }
    if (kind == Kind.BIT && length != -1 && (length < 1 || length > 64)) {
      throw new IllegalArgumentException("BIT width must be 1..64: " + length);
    }
  }

  /** A nullable column of the given kind with default length/scale and no DEFAULT clause. */
  public static ColumnSpec of(final String name, final Kind kind) {
    return new ColumnSpec(
        name, kind, -1, -1, false, false, false, DefaultKind.NONE, null, List.of());
  }

  public static ColumnSpec tinyint(final String name) {
    return of(name, Kind.TINYINT);
  }

  public static ColumnSpec smallint(final String name) {
    return of(name, Kind.SMALLINT);
  }

  public static ColumnSpec mediumint(final String name) {
    return of(name, Kind.MEDIUMINT);
  }

  /** An INT column ({@code int} is a Java keyword). */
  public static ColumnSpec integer(final String name) {
    return of(name, Kind.INT);
  }

  public static ColumnSpec bigint(final String name) {
    return of(name, Kind.BIGINT);
  }

  public static ColumnSpec decimal(final String name, final int precision, final int scale) {
    return of(name, Kind.DECIMAL).length(precision).scale(scale);
  }

  public static ColumnSpec varchar(final String name, final int length) {
    return of(name, Kind.VARCHAR).length(length);
  }

  public static ColumnSpec charType(final String name, final int length) {
    return of(name, Kind.CHAR).length(length);
  }

  public static ColumnSpec varbinary(final String name, final int length) {
    return of(name, Kind.VARBINARY).length(length);
  }

  public static ColumnSpec datetime(final String name, final int fsp) {
    return of(name, Kind.DATETIME).fsp(fsp);
  }

  public static ColumnSpec timestamp(final String name, final int fsp) {
    return of(name, Kind.TIMESTAMP).fsp(fsp);
  }

  public static ColumnSpec time(final String name, final int fsp) {
    return of(name, Kind.TIME).fsp(fsp);
  }

  public static ColumnSpec enumOf(final String name, final String... elems) {
    return new ColumnSpec(
        name, Kind.ENUM, -1, -1, false, false, false, DefaultKind.NONE, null, List.of(elems));
  }

  public static ColumnSpec setOf(final String name, final String... elems) {
    return new ColumnSpec(
        name, Kind.SET, -1, -1, false, false, false, DefaultKind.NONE, null, List.of(elems));
  }

  public static ColumnSpec bit(final String name, final int width) {
    return of(name, Kind.BIT).length(width);
  }

  public ColumnSpec length(final int newLength) {
    return new ColumnSpec(
        name,
        kind,
        newLength,
        scale,
        isUnsigned,
        isNotNull,
        isAutoIncrement,
        defaultKind,
        defaultValue,
        elems);
  }

  public ColumnSpec scale(final int newScale) {
    return new ColumnSpec(
        name,
        kind,
        length,
        newScale,
        isUnsigned,
        isNotNull,
        isAutoIncrement,
        defaultKind,
        defaultValue,
        elems);
  }

  /** Fractional-seconds precision of DATETIME/TIMESTAMP/TIME (stored as the scale). */
  public ColumnSpec fsp(final int fsp) {
    return scale(fsp);
  }

  public ColumnSpec unsigned() {
    return new ColumnSpec(
        name,
        kind,
        length,
        scale,
        true,
        isNotNull,
        isAutoIncrement,
        defaultKind,
        defaultValue,
        elems);
  }

  public ColumnSpec notNull() {
    return new ColumnSpec(
        name,
        kind,
        length,
        scale,
        isUnsigned,
        true,
        isAutoIncrement,
        defaultKind,
        defaultValue,
        elems);
  }

  public ColumnSpec nullable() {
    return new ColumnSpec(
        name,
        kind,
        length,
        scale,
        isUnsigned,
        false,
        isAutoIncrement,
        defaultKind,
        defaultValue,
        elems);
  }

  public ColumnSpec autoIncrement() {
    return new ColumnSpec(
        name, kind, length, scale, isUnsigned, isNotNull, true, defaultKind, defaultValue, elems);
  }

  /**
   * {@code DEFAULT 'value'}. Give the text TiDB stores for it (for example {@code "1.50"} for a
   * DECIMAL(5,2), {@code "2024-01-02 03:04:05"} for a DATETIME, the element name for an ENUM, the
   * decimal value for a BIT).
   */
  public ColumnSpec defaultValue(final String value) {
    return new ColumnSpec(
        name,
        kind,
        length,
        scale,
        isUnsigned,
        isNotNull,
        isAutoIncrement,
        DefaultKind.LITERAL,
        value,
        elems);
  }

  public ColumnSpec defaultNull() {
    return new ColumnSpec(
        name,
        kind,
        length,
        scale,
        isUnsigned,
        isNotNull,
        isAutoIncrement,
        DefaultKind.NULL,
        null,
        elems);
  }

  public ColumnSpec defaultCurrentTimestamp() {
    return new ColumnSpec(
        name,
        kind,
        length,
        scale,
        isUnsigned,
        isNotNull,
        isAutoIncrement,
        DefaultKind.CURRENT_TIMESTAMP,
        null,
        elems);
  }

  /** True when the column is declared NOT NULL or will be made so (AUTO_INCREMENT). */
  boolean effectivelyNotNull() {
    return isNotNull || isAutoIncrement;
  }

  /** The column definition as SQL, e.g. {@code `price` DECIMAL(10,2) NOT NULL DEFAULT '0.00'}. */
  public String toSql() {
    final StringBuilder sql = new StringBuilder(Sql.quoteName(name)).append(' ');
    sql.append(typeSql());
    if (isUnsigned) {
      sql.append(" UNSIGNED");
    }
    if (effectivelyNotNull()) {
      sql.append(" NOT NULL");
    } else if (kind == Kind.TIMESTAMP) {
      // Without it, MySQL with explicit_defaults_for_timestamp=OFF makes the column NOT NULL.
      sql.append(" NULL");
    }
    switch (defaultKind) {
      case NULL -> sql.append(" DEFAULT NULL");
      case LITERAL -> sql.append(" DEFAULT ").append(defaultLiteralSql());
      case CURRENT_TIMESTAMP -> {
        sql.append(" DEFAULT CURRENT_TIMESTAMP");
        if (scale > 0) {
          sql.append('(').append(scale).append(')');
        }
      }
      case NONE -> {}
    }
    if (isAutoIncrement) {
      sql.append(" AUTO_INCREMENT");
    }
    return sql.toString();
  }

  private String defaultLiteralSql() {
    if (kind == Kind.BIT) {
      // A quoted string would be taken as the bytes of the text; BIT defaults are numbers.
      return defaultValue;
    }
    return Sql.quoteString(defaultValue);
  }

  private String typeSql() {
    final String base = kind.name();
    return switch (kind) {
      case TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, BIT, CHAR, BINARY ->
          length >= 0 ? base + "(" + length + ")" : base;
      case VARCHAR, VARBINARY -> base + "(" + length + ")";
      case DECIMAL -> {
        if (length < 0) {
          yield base;
        }
        yield base + "(" + length + "," + Math.max(scale, 0) + ")";
      }
      case DATETIME, TIMESTAMP, TIME -> scale > 0 ? base + "(" + scale + ")" : base;
      case ENUM, SET -> {
        final StringBuilder b = new StringBuilder(base).append('(');
        for (int i = 0; i < elems.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          b.append(Sql.quoteString(elems.get(i)));
        }
        yield b.append(')').toString();
      }
      default -> base;
    };
  }
}
