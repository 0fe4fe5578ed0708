package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlEnum;
import io.kafkabinlog.schemas.codec.MysqlSet;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a decoded column value ({@code ValueCodec}'s Java types) into a ColumnValue record, by the
 * union branches {@code ColumnValue.avsc} documents: ENUM as its member name, SET as its
 * comma-separated member names, BIT as a long, TIMESTAMP as an instant (TiDB stores UTC), zero and
 * invalid dates as their text, JSON as Json, FLOAT as the double its decimal text denotes, DECIMAL
 * with the column's declared precision.
 */
final class AvroColumnValue {
  private AvroColumnValue() {}

  /** A ColumnValue of a value already mapped by {@link #javaValue}. */
  static GenericRecord of(
      final String name, final String mysqlType, final FieldType ft, final Object javaValue) {
    GenericRecord r = ColumnValues.of(name, mysqlType, javaValue);
    if (javaValue instanceof BigDecimal && r.get("value") instanceof GenericRecord d) {
      d.put("precision", Math.max(0, ft.flen()));
    }
    return r;
  }

  static Object javaValue(final FieldType ft, final Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof MysqlEnum e) {
      return e.name();
    }
    if (v instanceof MysqlSet s) {
      return String.join(",", s.names());
    }
    if (v instanceof MysqlBit b) {
      return b.value();
    }
    if (v instanceof MysqlTime t) {
      return ft.tp() == MysqlType.DATE || ft.tp() == MysqlType.NEWDATE
          ? t.toDateString()
          : t.toString();
    }
    if (v instanceof LocalDateTime t && ft.tp() == MysqlType.TIMESTAMP) {
      return t.toInstant(ZoneOffset.UTC);
    }
    if (v instanceof Float f) {
      return Double.parseDouble(Float.toString(f));
    }
    if (v instanceof String s && ft.tp() == MysqlType.JSON) {
      return new ColumnValues.JsonText(s);
    }
    if (v instanceof Long l && ft.tp() == MysqlType.LONGLONG && ft.isUnsigned()) {
      return BigInteger.valueOf(l);
    }
    return v;
  }

  /** A rough size of the encoded value, for the per-record byte limit. */
  static int estimatedSize(final Object javaValue) {
    if (javaValue == null) {
      return 1;
    }
    if (javaValue instanceof String s) {
      return 2 + utf8Length(s);
    }
    if (javaValue instanceof byte[] b) {
      return 2 + b.length;
    }
    if (javaValue instanceof ColumnValues.JsonText j) {
      return 2 + utf8Length(j.text());
    }
    if (javaValue instanceof BigDecimal d) {
      return 4 + d.unscaledValue().bitLength() / 8;
    }
    return 9;
  }

  private static int utf8Length(final String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
