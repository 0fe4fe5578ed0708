package io.kafkabinlog.schemas.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The project's Avro schemas (namespace {@code io.kafkabinlog.avro}), parsed once from the class
 * path resources {@code /avro/*.avsc}. Every top-level schema is self-contained once parsed ({@link
 * Schema#toString()} inlines the shared {@code ColumnValue} type), so it can be registered as is.
 */
public final class AvroSchemas {
  /** Namespace of every schema. */
  public static final String NAMESPACE = "io.kafkabinlog.avro";

  /** Resource names in dependency order (ColumnValue first: the others refer to it). */
  public static final List<String> RESOURCES =
      List.of(
          "/avro/ColumnValue.avsc",
          "/avro/Transaction.avsc",
          "/avro/ResolvedTs.avsc",
          "/avro/RowEnvelope.avsc",
          "/avro/RowKey.avsc");

  public static final Schema COLUMN_VALUE;
  public static final Schema TRANSACTION;
  public static final Schema RESOLVED_TS;
  public static final Schema ROW_ENVELOPE;
  public static final Schema ROW_KEY;

  // Named types nested in the top-level schemas.
  public static final Schema ROW_CHANGE;
  public static final Schema CHANGE_TYPE;
  public static final Schema DDL;
  public static final Schema SOURCE;
  public static final Schema OP;
  public static final Schema UNSIGNED_BIGINT;
  public static final Schema DECIMAL;
  public static final Schema DATETIME;
  public static final Schema TIMESTAMP;
  public static final Schema TIME;
  public static final Schema JSON;

  /** The column array type used by before/after images: {@code ["null", array<ColumnValue>]}. */
  public static final Schema OPTIONAL_COLUMNS;

  static {
    Schema.Parser parser = new Schema.Parser();
    COLUMN_VALUE = parse(parser, RESOURCES.get(0));
    TRANSACTION = parse(parser, RESOURCES.get(1));
    RESOLVED_TS = parse(parser, RESOURCES.get(2));
    ROW_ENVELOPE = parse(parser, RESOURCES.get(3));
    ROW_KEY = parse(parser, RESOURCES.get(4));
    ROW_CHANGE = TRANSACTION.getField("rows").schema().getElementType();
    CHANGE_TYPE = ROW_CHANGE.getField("type").schema();
    DDL = TRANSACTION.getField("ddl").schema().getTypes().get(1);
    SOURCE = ROW_ENVELOPE.getField("source").schema();
    OP = ROW_ENVELOPE.getField("op").schema();
    OPTIONAL_COLUMNS = ROW_CHANGE.getField("before").schema();
    Schema value = COLUMN_VALUE.getField("value").schema();
    UNSIGNED_BIGINT = value.getTypes().get(value.getIndexNamed(NAMESPACE + ".UnsignedBigint"));
    DECIMAL = value.getTypes().get(value.getIndexNamed(NAMESPACE + ".Decimal"));
    DATETIME = value.getTypes().get(value.getIndexNamed(NAMESPACE + ".Datetime"));
    TIMESTAMP = value.getTypes().get(value.getIndexNamed(NAMESPACE + ".Timestamp"));
    TIME = value.getTypes().get(value.getIndexNamed(NAMESPACE + ".Time"));
    JSON = value.getTypes().get(value.getIndexNamed(NAMESPACE + ".Json"));
  }

  private AvroSchemas() {}

  /** The top-level schemas (the ones that are topic values or keys). */
  public static List<Schema> topLevel() {
    return List.of(COLUMN_VALUE, TRANSACTION, RESOLVED_TS, ROW_ENVELOPE, ROW_KEY);
  }

  private static Schema parse(final Schema.Parser parser, final String resource) {
    try (InputStream in = AvroSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Avro schema resource " + resource + " is missing");
      }
      return parser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Avro schema " + resource, e);
    }
  }
}
