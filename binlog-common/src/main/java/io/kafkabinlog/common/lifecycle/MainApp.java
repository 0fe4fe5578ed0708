package io.kafkabinlog.common.lifecycle;

/** A started component as its {@code main} sees it: runs until it exits, closes gracefully. */
public interface MainApp extends AutoCloseable {

  /** Blocks until the component stopped (failed, or closed). */
  void awaitExit() throws InterruptedException;

  /** 0 after a clean close, 1 after a failure. */
  int exitCode();

  /** Stops gracefully; idempotent, any thread. */
  @Override
  void close();

  /**
   * Waits for {@code app} to exit and returns its exit code. On SIGTERM a shutdown hook named
   * {@code hookName} closes it gracefully and then ends the JVM with its exit code rather than the
   * signal's 143 (log4j's own shutdown hook is off, so the close is still logged).
   */
  static int runToExit(final MainApp app, final String hookName) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  Runtime.getRuntime().halt(app.exitCode());
                },
                hookName));
    try {
      app.awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    app.close();
    return app.exitCode();
  }
}
