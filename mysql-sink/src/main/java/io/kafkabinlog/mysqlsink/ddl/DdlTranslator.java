package io.kafkabinlog.mysqlsink.ddl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes an upstream TiDB DDL text executable by MariaDB, changing nothing else byte for byte:
 *
 * <ul>
 *   <li>TiDB special comments {@code /*T![feature] ... * /} and {@code /*T! ... * /} are removed
 *       (MariaDB would ignore them, removing keeps the text clean);
 *   <li>TiDB's old {@code /*!90000 ... * /} version comments are removed: MariaDB executes {@code
 *       /*!NNNNN} comments for every NNNNN up to its own version id (10xxxx), so their TiDB-only
 *       content (SHARD_ROW_ID_BITS, PRE_SPLIT_REGIONS) would fail;
 *   <li>TiDB-only clauses typed outside comments (older TiDB or hand-written texts) are removed:
 *       {@code AUTO_RANDOM[(n[,m])]}, {@code CLUSTERED}/{@code NONCLUSTERED} after a key, and the
 *       table options {@code SHARD_ROW_ID_BITS}, {@code PRE_SPLIT_REGIONS}, {@code AUTO_ID_CACHE},
 *       {@code AUTO_RANDOM_BASE}, {@code PLACEMENT POLICY}, {@code TTL}, {@code TTL_ENABLE}, {@code
 *       TTL_JOB_INTERVAL}, {@code REMOVE TTL} (with the comma that separated a table option from
 *       the previous one). String literals, quoted identifiers and other comments are never
 *       touched.
 * </ul>
 *
 * <p>If nothing is left to execute (an {@code ALTER TABLE t} or {@code ALTER DATABASE d} that only
 * changed TiDB options), {@link #translate} is empty, as the original drainer skips such DDL.
 */
public final class DdlTranslator {
  private static final String ID = "(?:`x*`|\\w+)";
  private static final String TEXT = "(?:'x*'|\"x*\")";

  /** Column or key attributes: removed without touching commas. */
  private static final List<Pattern> ATTRIBUTES =
      List.of(
          Pattern.compile(
              "\\bAUTO_RANDOM\\b(?:\\s*\\(\\s*\\d+\\s*(?:,\\s*\\d+\\s*)?\\))?",
              Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "(?<=(?:\\)|\\bKEY)\\s{1,64})(?:NON)?CLUSTERED\\b", Pattern.CASE_INSENSITIVE));

  /** Table options (and ALTER specifications): removed with a separating comma. */
  private static final List<Pattern> OPTIONS =
      List.of(
          Pattern.compile(
              "\\b(?:SHARD_ROW_ID_BITS|PRE_SPLIT_REGIONS|AUTO_ID_CACHE|AUTO_RANDOM_BASE)"
                  + "\\s*=?\\s*\\d+",
              Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\bPLACEMENT\\s+POLICY\\s*(?:=\\s*)?(?:" + ID + "|" + TEXT + ")",
              Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\bTTL\\s*=?\\s*" + ID + "\\s*\\+\\s*INTERVAL\\s+(?:" + TEXT + "|[\\w.+-]+)\\s+\\w+",
              Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\b(?:TTL_ENABLE|TTL_JOB_INTERVAL)\\s*=?\\s*" + TEXT, Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\bREMOVE\\s+TTL\\b", Pattern.CASE_INSENSITIVE));

  private static final Pattern NOTHING_LEFT =
      Pattern.compile(
          "\\s*ALTER\\s+(?:TABLE\\s+"
              + ID
              + "(?:\\s*\\.\\s*"
              + ID
              + ")?"
              + "|(?:DATABASE|SCHEMA)(?:\\s+"
              + ID
              + ")?)\\s*;?\\s*",
          Pattern.CASE_INSENSITIVE);

  /** The DDL as MariaDB should run it; empty if nothing is left to execute. */
  public Optional<String> translate(final String query) {
    final Scan scan = new Scan(query);
    final List<int[]> cuts = new ArrayList<>(scan.comments);
    final String masked = scan.masked.toString();
    for (Pattern p : ATTRIBUTES) {
      final Matcher m = p.matcher(masked);
      while (m.find()) {
        cuts.add(new int[] {m.start(), m.end()});
      }
    }
    for (Pattern p : OPTIONS) {
      final Matcher m = p.matcher(masked);
      while (m.find()) {
        cuts.add(withComma(masked, m.start(), m.end()));
      }
    }
    cuts.sort((a, b) -> Integer.compare(a[0], b[0]));
    final StringBuilder out = new StringBuilder();
    final StringBuilder outMasked = new StringBuilder();
    int pos = 0;
    for (int[] cut : cuts) {
      if (cut[1] <= pos) {
        continue;
      }
      int start = Math.max(cut[0], pos);
      final int end = cut[1];
      // Drop the blank before a removed clause when the clause was followed by a blank or a
      // delimiter, so "a /*T! x */ b" becomes "a b"; else keep a blank between words.
      if (end >= query.length() || " \t\r\n,);".indexOf(query.charAt(end)) >= 0) {
        while (start > pos && Character.isWhitespace(query.charAt(start - 1))) {
          start--;
        }
      }
      out.append(query, pos, start);
      outMasked.append(masked, pos, start);
      if (start > 0
          && end < query.length()
          && isWordChar(query.charAt(start - 1))
          && isWordChar(query.charAt(end))) {
        out.append(' ');
        outMasked.append(' ');
      }
      pos = end;
    }
    out.append(query.substring(pos));
    outMasked.append(masked.substring(pos));
    if (outMasked.toString().isBlank() || NOTHING_LEFT.matcher(outMasked).matches()) {
      return Optional.empty();
    }
    return Optional.of(out.toString());
  }

  /** Extends a table option's range over the comma separating it from its neighbour. */
  private static int[] withComma(final String masked, final int start, final int end) {
    int left = start;
    while (left > 0 && Character.isWhitespace(masked.charAt(left - 1))) {
      left--;
    }
    if (left > 0 && masked.charAt(left - 1) == ',') {
      return new int[] {left - 1, end};
    }
    // First in a list ("ALTER TABLE t OPT, ADD ..."): take the comma after it, unless a closing
    // parenthesis precedes (a partition definition's options, where the comma separates
    // partitions).
    if (left > 0 && masked.charAt(left - 1) == ')') {
      return new int[] {start, end};
    }
    int right = end;
    while (right < masked.length() && Character.isWhitespace(masked.charAt(right))) {
      right++;
    }
    if (right < masked.length() && masked.charAt(right) == ',') {
      right++;
      while (right < masked.length() && Character.isWhitespace(masked.charAt(right))) {
        right++;
      }
      return new int[] {start, right};
    }
    return new int[] {start, end};
  }

  private static boolean isWordChar(final char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '`' || c == '$';
  }

  /**
   * One pass over the text: TiDB comments to cut, and a same-length copy where the insides of
   * string literals and quoted identifiers are 'x' and kept comments are blanks, so that patterns
   * only see SQL tokens.
   */
  private static final class Scan {
    final List<int[]> comments = new ArrayList<>();
    final StringBuilder masked;

    Scan(final String q) {
      masked = new StringBuilder(q);
      int i = 0;
      final int n = q.length();
      while (i < n) {
        final char c = q.charAt(i);
        if (c == '\'' || c == '"' || c == '`') {
          final int end = quoted(q, i, c);
          for (int k = i + 1; k < end - 1; k++) {
            masked.setCharAt(k, 'x');
          }
          i = end;
        } else if (c == '/' && q.startsWith("/*", i)) {
          final int close = q.indexOf("*/", i + 2);
          final int end = close < 0 ? n : close + 2;
          if (q.startsWith("/*T!", i) || q.startsWith("/*!90000", i)) {
            comments.add(new int[] {i, end});
          }
          blank(i, end);
          i = end;
        } else if (c == '#' || (c == '-' && q.startsWith("-- ", i))) {
          final int nl = q.indexOf('\n', i);
          final int end = nl < 0 ? n : nl;
          blank(i, end);
          i = end;
        } else {
          i++;
        }
      }
    }

    private void blank(final int from, final int to) {
      for (int k = from; k < to; k++) {
        masked.setCharAt(k, ' ');
      }
    }

    /** End (exclusive) of the quoted token starting at {@code start}. */
    private static int quoted(final String q, final int start, final char quote) {
      int i = start + 1;
      while (i < q.length()) {
        final char c = q.charAt(i);
        if (c == '\\' && quote != '`') {
          i += 2;
        } else if (c == quote) {
          if (i + 1 < q.length() && q.charAt(i + 1) == quote) {
            i += 2;
          } else {
            return i + 1;
          }
        } else {
          i++;
        }
      }
      return q.length();
    }
  }
}
