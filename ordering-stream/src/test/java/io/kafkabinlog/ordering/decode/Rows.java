package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/** Test tables, rows and readers of published Avro. */
final class Rows {
  private Rows() {}

  static TableSpec orders() {
    return TableSpec.builder("orders")
        .column(ColumnSpec.integer("id").notNull())
        .column(ColumnSpec.varchar("name", 20))
        .column(ColumnSpec.decimal("price", 10, 2))
        .primaryKey("id")
        .build();
  }

  static TableSpec items() {
    return TableSpec.builder("items")
        .column(ColumnSpec.bigint("id").notNull())
        .column(ColumnSpec.varchar("label", 1000))
        .primaryKey("id")
        .build();
  }

  static long col(final TableInfo table, final String name) {
    for (ColumnInfo c : table.cols()) {
      if (c.name().o().equals(name)) {
        return c.id();
      }
    }
    throw new IllegalArgumentException("no column " + name + " in " + table.name().o());
  }

  /** A row of {@code table} from alternating column names and values. */
  static SimRow row(final TableInfo table, final Object... namesAndValues) {
    Map<Long, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put(col(table, (String) namesAndValues[i]), namesAndValues[i + 1]);
    }
    return SimRow.of(values);
  }

  /** A before/after image as column name -> Java value, in published order. */
  static Map<String, Object> image(final GenericRecord rowChange, final String which) {
    Object cols = rowChange.get(which);
    if (cols == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object o : (List<?>) cols) {
      GenericRecord cv = (GenericRecord) o;
      out.put(cv.get("name").toString(), ColumnValues.javaValue(cv));
    }
    return out;
  }

  static List<String> types(final GenericRecord rowChange, final String which) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) rowChange.get(which)) {
      out.add(((GenericRecord) o).get("mysql_type").toString());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<GenericRecord> rowsOf(final GenericRecord transaction) {
    return (List<GenericRecord>) transaction.get("rows");
  }

  static String type(final GenericRecord rowChange) {
    return rowChange.get("type").toString();
  }

  static String str(final GenericRecord r, final String field) {
    Object v = r.get(field);
    return v == null ? null : v.toString();
  }
}
