package io.kafkabinlog.common.config;

import io.kafkabinlog.common.error.BinlogException;
import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a component's {@code main} loads its configuration: the config, or every problem printed to
 * stderr, after which the main exits with {@link #INVALID_EXIT_CODE}.
 */
public final class MainConfig {
  /** The exit code of every component for an invalid configuration. */
  public static final int INVALID_EXIT_CODE = 2;

  private MainConfig() {}

  /**
   * Runs {@code loader}; a {@link ConfigValidationException} (the list of problems) or another
   * {@link BinlogException} (an unreadable file, a malformed flag) is printed to {@code err}.
   *
   * @param component names the component in a message that does not name it already
   */
  public static <T> Optional<T> load(
      final String component, final Supplier<T> loader, final PrintStream err) {
    try {
      return Optional.of(loader.get());
    } catch (ConfigValidationException e) {
      err.println(e.getMessage());
    } catch (BinlogException e) {
      err.println(component + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
