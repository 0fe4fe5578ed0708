package io.kafkabinlog.schemas.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * MySQL's decimal2bin / bin2decimal format as used by TiDB's {@code MyDecimal.WriteBin/FromBin},
 * and the decimal datum payload (precision byte, frac byte, binary).
 */
public final class MyDecimal {
  public static final int MAX_PRECISION = 65;
  public static final int MAX_FRAC = 30;
  private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  private static final int[] POW10 = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000
  };

  private MyDecimal() {}

  /** Size of the binary body for (precision, frac). */
  public static int binSize(int precision, int frac) {
    int intg = precision - frac;
    return intg / 9 * 4 + DIG2BYTES[intg % 9] + frac / 9 * 4 + DIG2BYTES[frac % 9];
  }

  private static void check(int at, int precision, int frac) {
    if (precision < 1 || precision > MAX_PRECISION) {
      throw new CodecException(at, "invalid decimal precision " + precision);
    }
    if (frac < 0 || frac > MAX_FRAC || frac > precision) {
      throw new CodecException(at, "invalid decimal frac " + frac + " for precision " + precision);
    }
  }

  /** Reads precision, frac and the binary body (the decimal datum after its flag byte). */
  static Datum.Decimal read(ByteReader r) {
    int at = r.position();
    int precision = r.readUnsignedByte();
    int frac = r.readUnsignedByte();
    check(at, precision, frac);
    int bodyAt = r.position();
    byte[] b = r.readBytes(binSize(precision, frac), "decimal body");
    return new Datum.Decimal(fromBin(b, bodyAt, precision, frac), precision, frac);
  }

  /** Decodes a binary body (bin2decimal); {@code at} is only used in error messages. */
  public static BigDecimal fromBin(byte[] body, int at, int precision, int frac) {
    check(at, precision, frac);
    if (body.length != binSize(precision, frac)) {
      throw new CodecException(
          at, "decimal body has " + body.length + " bytes, expected " + binSize(precision, frac));
    }
    byte[] b = body.clone();
    boolean negative = (b[0] & 0x80) == 0;
    b[0] ^= (byte) 0x80;
    int mask = negative ? 0xFF : 0;
    int intg = precision - frac;
    StringBuilder digits = new StringBuilder(precision + 2);
    int[] pos = {0};
    int lead = intg % 9;
    if (lead > 0) {
      digits.append(readGroup(b, pos, DIG2BYTES[lead], mask, lead, at));
    }
    for (int i = 0; i < intg / 9; i++) {
      appendPadded(digits, readGroup(b, pos, 4, mask, 9, at), 9);
    }
    for (int i = 0; i < frac / 9; i++) {
      appendPadded(digits, readGroup(b, pos, 4, mask, 9, at), 9);
    }
    int trail = frac % 9;
    if (trail > 0) {
      appendPadded(digits, readGroup(b, pos, DIG2BYTES[trail], mask, trail, at), trail);
    }
    BigInteger unscaled =
        digits.length() == 0 ? BigInteger.ZERO : new BigInteger(digits.toString());
    BigDecimal v = new BigDecimal(unscaled, frac);
    return negative ? v.negate() : v;
  }

  private static int readGroup(byte[] b, int[] pos, int nbytes, int mask, int ndigits, int at) {
    int v = 0;
    for (int i = 0; i < nbytes; i++) {
      v = (v << 8) | ((b[pos[0]++] ^ mask) & 0xFF);
    }
    if (v < 0 || v >= POW10[ndigits]) {
      throw new CodecException(
          at + pos[0] - nbytes, "invalid decimal digit group " + Integer.toUnsignedString(v));
    }
    return v;
  }

  private static void appendPadded(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }

  /**
   * Writes precision, frac and the binary body. Precision 0 falls back to the value's own digits
   * (TiDB's rule). The value is rounded half-up to {@code frac}; too many integer digits fail.
   */
  public static void write(BigDecimal value, int precision, int frac, ByteWriter w) {
    if (precision == 0) {
      frac = Math.min(Math.max(value.scale(), 0), MAX_FRAC);
      BigInteger intPart = value.setScale(frac, RoundingMode.HALF_UP).abs().toBigInteger();
      int intDigits = intPart.signum() == 0 ? 0 : intPart.toString().length();
      precision = Math.max(1, intDigits + frac);
    }
    w.writeByte(precision).writeByte(frac);
    w.writeBytes(toBin(value, precision, frac));
  }

  /** decimal2bin. */
  public static byte[] toBin(BigDecimal value, int precision, int frac) {
    check(-1, precision, frac);
    BigDecimal scaled = value.setScale(frac, RoundingMode.HALF_UP);
    boolean negative = scaled.signum() < 0;
    String all = scaled.unscaledValue().abs().toString();
    String intPart;
    String fracPart;
    if (all.length() > frac) {
      intPart = all.substring(0, all.length() - frac);
      fracPart = all.substring(all.length() - frac);
    } else {
      intPart = "";
      fracPart = "0".repeat(frac - all.length()) + all;
    }
    intPart = intPart.replaceFirst("^0+", "");
    int intg = precision - frac;
    if (intPart.length() > intg) {
      throw new CodecException(
          -1,
          "decimal " + value.toPlainString() + " does not fit (" + precision + "," + frac + ")");
    }
    intPart = "0".repeat(intg - intPart.length()) + intPart;
    byte[] out = new byte[binSize(precision, frac)];
    int mask = negative ? 0xFF : 0;
    int[] pos = {0};
    int lead = intg % 9;
    int p = 0;
    if (lead > 0) {
      putGroup(out, pos, DIG2BYTES[lead], Integer.parseInt(intPart.substring(0, lead)), mask);
      p = lead;
    }
    for (; p < intg; p += 9) {
      putGroup(out, pos, 4, Integer.parseInt(intPart.substring(p, p + 9)), mask);
    }
    int q = 0;
    for (; q + 9 <= frac; q += 9) {
      putGroup(out, pos, 4, Integer.parseInt(fracPart.substring(q, q + 9)), mask);
    }
    int trail = frac % 9;
    if (trail > 0) {
      putGroup(out, pos, DIG2BYTES[trail], Integer.parseInt(fracPart.substring(q)), mask);
    }
    out[0] ^= (byte) 0x80;
    return out;
  }

  private static void putGroup(byte[] out, int[] pos, int nbytes, int v, int mask) {
    for (int i = nbytes - 1; i >= 0; i--) {
      out[pos[0]++] = (byte) (((v >>> (i * 8)) & 0xFF) ^ mask);
    }
  }
}
