package io.kafkabinlog.pump;

import io.kafkabinlog.common.config.MainConfig;
import io.kafkabinlog.pump.config.PumpConfig;
import io.kafkabinlog.pump.config.PumpConfigLoader;
import io.kafkabinlog.pump.lifecycle.PumpNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/pump --config=pump.toml [--key=value ...]}; environment {@code PUMP_*}. Exit codes: 0
 * after a pause or close, 2 for an invalid configuration, 1 for any other failure.
 */
public final class PumpMain {
  private static final Logger LOG = LoggerFactory.getLogger(PumpMain.class);

  private PumpMain() {}

  public static void main(final String[] args) {
    System.exit(run(List.of(args)));
  }

  static int run(final List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.println(
          "usage: pump --config=pump.toml [--key=value ...]   (keys: see docs/pump.md;"
              + " environment PUMP_<KEY>, e.g. PUMP_KAFKA__BOOTSTRAP_SERVERS)");
      return 0;
    }
    final Optional<PumpConfig> loaded =
        MainConfig.load("pump", () -> PumpConfigLoader.load(args, System.getenv()), System.err);
    if (loaded.isEmpty()) {
      return MainConfig.INVALID_EXIT_CODE;
    }
    final PumpConfig config = loaded.get();
    final PumpNode node;
    try {
      node = PumpNode.start(config);
    } catch (RuntimeException e) {
      LOG.error("pump failed to start: {}", e.getMessage(), e);
      return 1;
    }
    final Duration stopWait = config.pauseDrainTimeout().plusSeconds(30);
    final Thread hook =
        new Thread(
            () -> {
              try {
                node.terminate(stopWait);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pump-sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      node.awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    final String reason = node.exitReason();
    LOG.info("pump {} exits: {}", node.nodeId(), reason);
    return "paused".equals(reason) || "offline".equals(reason) ? 0 : 1;
  }
}
