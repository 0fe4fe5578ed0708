package io.kafkabinlog.schemas.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds and reads {@code io.kafkabinlog.avro.ColumnValue} records. Java values map to the union
 * branches as follows: {@code null}; {@link Long}/{@link Integer}/{@link Short}/{@link Byte} to
 * long; {@link Double}/{@link Float} to double; {@link String} to string; {@code byte[]} or {@link
 * ByteBuffer} to bytes; {@link LocalDate} to date; {@link BigInteger} (0..2^64-1) to
 * UnsignedBigint; {@link BigDecimal} to Decimal; {@link LocalDateTime} to Datetime; {@link Instant}
 * to Timestamp; {@link Duration} to Time; {@link JsonText} to Json. {@link #javaValue} maps back.
 */
public final class ColumnValues {
  private static final BigInteger MAX_UNSIGNED_BIGINT =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A JSON column value (distinguishes JSON from plain strings). */
  public record JsonText(String text) {}

  private ColumnValues() {}

  /** A ColumnValue record. */
  public static GenericRecord of(final String name, final String mysqlType, final Object value) {
    GenericRecord r = new GenericData.Record(AvroSchemas.COLUMN_VALUE);
    r.put("name", name);
    r.put("mysql_type", mysqlType);
    r.put("value", toAvro(value));
    return r;
  }

  /** The Avro representation of a Java column value (see the class comment). */
  public static Object toAvro(final Object v) {
    if (v == null || v instanceof Long || v instanceof Double || v instanceof String) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    }
    if (v instanceof ByteBuffer) {
      return v;
    }
    if (v instanceof LocalDate d) {
      return (int) d.toEpochDay();
    }
    if (v instanceof BigInteger i) {
      if (i.signum() < 0 || i.compareTo(MAX_UNSIGNED_BIGINT) > 0) {
        throw new IllegalArgumentException("BIGINT UNSIGNED out of range: " + i);
      }
      GenericRecord r = new GenericData.Record(AvroSchemas.UNSIGNED_BIGINT);
      r.put("value", ByteBuffer.wrap(i.toByteArray()));
      return r;
    }
    if (v instanceof BigDecimal d) {
      GenericRecord r = new GenericData.Record(AvroSchemas.DECIMAL);
      r.put("unscaled", ByteBuffer.wrap(d.unscaledValue().toByteArray()));
      r.put("scale", d.scale());
      r.put("precision", d.precision());
      return r;
    }
    if (v instanceof LocalDateTime t) {
      GenericRecord r = new GenericData.Record(AvroSchemas.DATETIME);
      r.put("local_micros", ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), t));
      return r;
    }
    if (v instanceof Instant t) {
      GenericRecord r = new GenericData.Record(AvroSchemas.TIMESTAMP);
      r.put("micros", ChronoUnit.MICROS.between(Instant.EPOCH, t));
      return r;
    }
    if (v instanceof Duration d) {
      GenericRecord r = new GenericData.Record(AvroSchemas.TIME);
      r.put("micros", d.toNanos() / 1000);
      return r;
    }
    if (v instanceof JsonText j) {
      GenericRecord r = new GenericData.Record(AvroSchemas.JSON);
      r.put("text", j.text());
      return r;
    }
    throw new IllegalArgumentException(
        "no ColumnValue branch for a " + v.getClass().getName() + ": " + v);
  }

  /** The Java value of a ColumnValue record's {@code value} (inverse of {@link #toAvro}). */
  public static Object javaValue(final GenericRecord columnValue) {
    return fromAvro(columnValue.get("value"));
  }

  /** Inverse of {@link #toAvro}: bytes come back as {@code byte[]}, strings as String. */
  public static Object fromAvro(final Object v) {
    if (v == null || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof ByteBuffer b) {
      return bytes(b);
    }
    if (v instanceof Integer days) {
      return LocalDate.ofEpochDay(days);
    }
    if (v instanceof GenericRecord r) {
      String name = r.getSchema().getName();
      switch (name) {
        case "UnsignedBigint":
          return new BigInteger(bytes((ByteBuffer) r.get("value")));
        case "Decimal":
          return new BigDecimal(
              new BigInteger(bytes((ByteBuffer) r.get("unscaled"))), (Integer) r.get("scale"));
        case "Datetime":
          return LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC)
              .plus((Long) r.get("local_micros"), ChronoUnit.MICROS);
        case "Timestamp":
          return Instant.EPOCH.plus((Long) r.get("micros"), ChronoUnit.MICROS);
        case "Time":
          return Duration.of((Long) r.get("micros"), ChronoUnit.MICROS);
        case "Json":
          return new JsonText(r.get("text").toString());
        default:
          break;
      }
    }
    throw new IllegalArgumentException("not a ColumnValue value: " + v);
  }

  private static byte[] bytes(final ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
