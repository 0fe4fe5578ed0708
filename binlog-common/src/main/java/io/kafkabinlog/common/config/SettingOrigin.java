package io.kafkabinlog.common.config;

/**
 * Where a setting's value came from, so that an error can point at the line to change.
 *
 * @param kind file, env, flag, or derived from another setting
 * @param where the file path, variable name or flag as the user wrote it; for a derived value, the
 *     setting it comes from
 */
public record SettingOrigin(Kind kind, String where) {
  /** The layers, lowest precedence first; then values derived from other settings. */
  public enum Kind {
    FILE,
    ENV,
    FLAG,
    /** A value another setting implies (the drainer's state-dir under its data-dir). */
    DERIVED
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FILE -> "file " + where;
      case ENV -> "environment variable " + where;
      case FLAG -> "flag " + where;
      case DERIVED -> "derived from " + where;
    };
  }
}
