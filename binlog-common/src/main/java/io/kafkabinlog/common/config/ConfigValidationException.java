package io.kafkabinlog.common.config;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.util.List;

/** Every problem of one component's configuration, found at startup, in one message. */
public final class ConfigValidationException extends FatalBinlogException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public ConfigValidationException(final String component, final List<String> problems) {
    super(ErrorCode.CONFIG_INVALID, format(component, problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each starting with the key it concerns. */
  public List<String> problems() {
    return problems;
  }

  private static String format(final String component, final List<String> problems) {
    final StringBuilder message =
        new StringBuilder()
            .append(component)
            .append(" configuration has ")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem:" : " problems:");
    problems.forEach(p -> message.append(System.lineSeparator()).append("  - ").append(p));
    return message.toString();
  }
}
