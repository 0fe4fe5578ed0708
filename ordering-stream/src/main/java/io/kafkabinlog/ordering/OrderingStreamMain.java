package io.kafkabinlog.ordering;

import io.kafkabinlog.common.config.MainConfig;
import io.kafkabinlog.common.lifecycle.MainApp;
import io.kafkabinlog.ordering.app.OrderingApp;
import io.kafkabinlog.ordering.config.OrderingConfig;
import io.kafkabinlog.ordering.config.OrderingConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/ordering-stream --config=ordering-stream.toml [--key=value ...]}; environment {@code
 * ORDERING_*}. Exit codes: 0 after SIGTERM closed the stream cleanly, 2 for an invalid
 * configuration, 1 for any other failure (the error is logged once, with its message).
 */
public final class OrderingStreamMain {
  private static final Logger LOG = LoggerFactory.getLogger(OrderingStreamMain.class);

  private OrderingStreamMain() {}

  public static void main(final String[] args) {
    System.exit(run(List.of(args), System.getenv()));
  }

  static int run(final List<String> args, final Map<String, String> env) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.println(
          "usage: ordering-stream --config=ordering-stream.toml [--key=value ...]   (keys: see"
              + " docs/ordering.md; environment ORDERING_<KEY>, e.g."
              + " ORDERING_KAFKA__BOOTSTRAP_SERVERS)");
      return 0;
    }
    final Optional<OrderingConfig> loaded =
        MainConfig.load("ordering-stream", () -> OrderingConfigLoader.load(args, env), System.err);
    if (loaded.isEmpty()) {
      return MainConfig.INVALID_EXIT_CODE;
    }
    final OrderingConfig config = loaded.get();
    final OrderingApp app;
    try {
      app = OrderingApp.start(config);
    } catch (RuntimeException e) {
      LOG.error("ordering stream failed to start: {}", e.getMessage(), e);
      return 1;
    }
    return MainApp.runToExit(app, "ordering-sigterm");
  }
}
