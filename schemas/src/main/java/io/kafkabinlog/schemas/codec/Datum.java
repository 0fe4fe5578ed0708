package io.kafkabinlog.schemas.codec;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One raw TiDB datum as {@code codec.DecodeOne} sees it, before it is re-typed with a column's
 * FieldType: flags 3/8 become {@link Int}, 4/9 {@link Uint}, 5 {@link Float64}, 1/2 {@link Bytes},
 * 6 {@link Decimal}, 7 {@link Duration}, 10 {@link Json}, 0 {@link Null}, 0xFA {@link Max}.
 */
public sealed interface Datum {

  /** SQL NULL (flag 0). */
  record Null() implements Datum {}

  /** The MaxValue sentinel (flag 0xFA, keys only). */
  record Max() implements Datum {}

  /** A signed 64-bit integer (flag 8 varint, or 3 comparable). */
  record Int(long value) implements Datum {}

  /** An unsigned 64-bit integer held in the bits of a long (flag 9 uvarint, or 4 comparable). */
  record Uint(long bits) implements Datum {
    public java.math.BigInteger toBigInteger() {
      return new java.math.BigInteger(Long.toUnsignedString(bits));
    }
  }

  /** A float64 (flag 5). */
  record Float64(double value) implements Datum {
    @Override
    public boolean equals(Object o) {
      return o instanceof Float64 f
          && Double.doubleToRawLongBits(f.value) == Double.doubleToRawLongBits(value);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(Double.doubleToRawLongBits(value));
    }
  }

  /** A byte string (flag 2 compact, or 1 memcomparable). */
  record Bytes(byte[] value) implements Datum {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(b.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bytes[" + HexFormat.of().formatHex(value) + "]";
    }
  }

  /** A decimal with the precision and frac written in the data (flag 6). */
  record Decimal(BigDecimal value, int precision, int frac) implements Datum {
    /** This value with precision/frac taken from its own digits (TiDB's precision-0 rule). */
    public Decimal withOwnDigits() {
      int f = Math.min(Math.max(value.scale(), 0), MyDecimal.MAX_FRAC);
      java.math.BigInteger intPart =
          value.setScale(f, java.math.RoundingMode.HALF_UP).abs().toBigInteger();
      int intDigits = intPart.signum() == 0 ? 0 : intPart.toString().length();
      return new Decimal(value, Math.max(1, intDigits + f), f);
    }
  }

  /** A duration in nanoseconds (flag 7, comparable int form). */
  record Duration(long nanos) implements Datum {}

  /** A TiDB binary JSON value: the type code and the value bytes (flag 10). */
  record Json(int typeCode, byte[] value) implements Datum {
    @Override
    public boolean equals(Object o) {
      return o instanceof Json j && j.typeCode == typeCode && Arrays.equals(j.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * typeCode + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Json[" + JsonBinary.toText(typeCode, value) + "]";
    }
  }

  Null NULL = new Null();
  Max MAX = new Max();
}
