package io.kafkabinlog.common.config;

/**
 * Where a setting's value came from, so that an error can point at the line to change.
 *
 * @param kind file, env or flag
 * @param where the file path, variable name or flag as the user wrote it
 */
public record SettingOrigin(Kind kind, String where) {
  /** The layers, lowest precedence first. */
  public enum Kind {
    FILE,
    ENV,
    FLAG
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FILE -> "file " + where;
      case ENV -> "environment variable " + where;
      case FLAG -> "flag " + where;
    };
  }
}
