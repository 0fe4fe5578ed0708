package io.kafkabinlog.mysqlsink.filter;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One database or table name of a filter rule, matched case-insensitively as the original drainer's
 * {@code pkg/filter} does.
 *
 * <ul>
 *   <li>A plain name must match the whole name. The original compiles it unquoted as {@code
 *       (?i)^name$}, so a {@code .} in a plain name is a wildcard there; here a plain name is
 *       literal (quoted), which is what a user writing {@code a.b} or {@code t$1} means.
 *   <li>{@code ~regex} is searched, not anchored: {@code ~^bak} matches names starting with bak,
 *       {@code ~bak} any name containing it (the original compiles {@code (?i)regex} and calls
 *       {@code MatchString}).
 * </ul>
 *
 * <p>Go RE2 versus java.util.regex: RE2 {@code (?P<name>...)} groups and POSIX classes inside
 * brackets ({@code [[:alpha:]]}, {@code [[:^digit:]]}) are translated; Java would otherwise read
 * {@code [[:alpha:]]} as the character set {@code :alph} without an error. Java accepts a superset
 * (backreferences, lookaround, possessive quantifiers) that RE2 rejects, so a pattern the original
 * refused at start-up is accepted here. Case folding is Unicode in both ({@code UNICODE_CASE}).
 * Java's {@code $} also matches before a final line break; names contain none.
 */
public final class NamePattern {
  private static final Map<String, String> POSIX_CLASSES =
      Map.ofEntries(
          Map.entry("alnum", "Alnum"),
          Map.entry("alpha", "Alpha"),
          Map.entry("ascii", "ASCII"),
          Map.entry("blank", "Blank"),
          Map.entry("cntrl", "Cntrl"),
          Map.entry("digit", "Digit"),
          Map.entry("graph", "Graph"),
          Map.entry("lower", "Lower"),
          Map.entry("print", "Print"),
          Map.entry("punct", "Punct"),
          Map.entry("space", "Space"),
          Map.entry("upper", "Upper"),
          Map.entry("word", "Word"),
          Map.entry("xdigit", "XDigit"));
  private static final Pattern POSIX_CLASS = Pattern.compile("\\[:(\\^?)([a-z]+):]");

  private final String source;
  private final Pattern pattern;
  private final boolean regex;

  private NamePattern(final String source, final Pattern pattern, final boolean regex) {
    this.source = source;
    this.pattern = pattern;
    this.regex = regex;
  }

  /** Compiles a rule name; a malformed {@code ~regex} is a configuration error. */
  public static NamePattern of(final String name) {
    if (name.startsWith("~")) {
      final String re = name.substring(1);
      try {
        return new NamePattern(
            name,
            Pattern.compile(fromRe2(re), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
            true);
      } catch (PatternSyntaxException e) {
        throw new FatalBinlogException(
            ErrorCode.CONFIG_INVALID, "filter name " + name + " is not a valid regex", e);
      }
    }
    return new NamePattern(
        name,
        Pattern.compile(Pattern.quote(name), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
        false);
  }

  /** Whether {@code name} matches: a whole-name match for plain names, a search for regexes. */
  public boolean matches(final String name) {
    final Matcher m = pattern.matcher(name);
    return regex ? m.find() : m.matches();
  }

  public boolean isRegex() {
    return regex;
  }

  /** The rule as configured. */
  @Override
  public String toString() {
    return source;
  }

  /** Rewrites the RE2 constructs Java spells differently (see the class comment). */
  static String fromRe2(final String re) {
    final String named = re.replace("(?P<", "(?<");
    final Matcher m = POSIX_CLASS.matcher(named);
    final StringBuilder out = new StringBuilder();
    while (m.find()) {
      final String javaClass = POSIX_CLASSES.get(m.group(2));
      if (javaClass == null) {
        throw new PatternSyntaxException("unknown POSIX class " + m.group(2), re, m.start());
      }
      // \p{Word} does not exist in Java; [:word:] is \w.
      final String replacement =
          javaClass.equals("Word")
              ? (m.group(1).isEmpty() ? "\\w" : "\\W")
              : (m.group(1).isEmpty() ? "\\p{" : "\\P{") + javaClass + "}";
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
