package io.kafkabinlog.mysqlsink.causality;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Renders a column value for a conflict key. Contract: equal values of the same column render
 * equal; values the downstream's unique index can tell apart render differently, except where
 * noted. A false "equal" only serializes two transactions (safe); a false "different" lets two
 * conflicting transactions run at once (unsafe), so every choice below errs toward equal.
 *
 * <ul>
 *   <li>Integers (Byte..Long, BigInteger): decimal digits, so an unsigned BIGINT is the same key
 *       whether it arrives as Long or BigInteger.
 *   <li>BigDecimal: numeric value, trailing zeros stripped ({@code 1.0}, {@code 1.00} and {@code 1}
 *       are one key: a DECIMAL unique index compares numerically).
 *   <li>Double/Float: {@link Double#toString}, with {@code -0.0} as {@code 0} (MySQL compares them
 *       equal).
 *   <li>byte[]: hex of the content.
 *   <li>String: folded to lower case, accents removed and trailing spaces stripped, because
 *       MariaDB's default collations ({@code utf8mb4_general_ci}, PAD SPACE) treat {@code 'A'},
 *       {@code 'a'}, {@code 'á'} and {@code 'a '} as one unique value even where TiDB's {@code
 *       utf8mb4_bin} did not. Deliberately coarser than equality (over-serializes case variants).
 *   <li>Anything else (dates, times, JSON): type name and {@code toString()}, which is equal for
 *       equal values of these value types.
 * </ul>
 *
 * <p>Each rendering starts with a type letter and is length-prefixed, so a value containing the
 * separator cannot make two different tuples render alike.
 */
final class KeyValueRenderer {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final HexFormat HEX = HexFormat.of();

  private KeyValueRenderer() {}

  /** Appends {@code value} rendered as {@code <type><length>:<text>}; null renders as {@code N}. */
  static void append(final StringBuilder out, final Object value) {
    if (value == null) {
      out.append('N');
      return;
    }
    final char type;
    final String text;
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      type = 'i';
      text = value.toString();
    } else if (value instanceof BigDecimal d) {
      type = 'd';
      text = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    } else if (value instanceof Double || value instanceof Float) {
      final double d = ((Number) value).doubleValue();
      type = 'f';
      text = d == 0.0 ? "0" : Double.toString(d);
    } else if (value instanceof byte[] b) {
      type = 'x';
      text = HEX.formatHex(b);
    } else if (value instanceof String s) {
      type = 's';
      text = foldString(s);
    } else {
      type = 'o';
      text = value.getClass().getSimpleName() + "=" + value;
    }
    out.append(type).append(text.length()).append(':').append(text);
  }

  static String foldString(final String s) {
    String folded = s;
    if (!isAscii(folded)) {
      folded = MARKS.matcher(Normalizer.normalize(folded, Normalizer.Form.NFD)).replaceAll("");
    }
    folded = folded.toLowerCase(Locale.ROOT);
    int end = folded.length();
    while (end > 0 && folded.charAt(end - 1) == ' ') {
      end--;
    }
    return folded.substring(0, end);
  }

  private static boolean isAscii(final String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
