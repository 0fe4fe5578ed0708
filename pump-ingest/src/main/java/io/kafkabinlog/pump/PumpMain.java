package io.kafkabinlog.pump;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.pump.config.PumpConfig;
import io.kafkabinlog.pump.config.PumpConfigLoader;
import io.kafkabinlog.pump.lifecycle.PumpNode;
import java.time.Duration;
import java.util.List;
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
    final PumpConfig config;
    try {
      config = PumpConfigLoader.load(args, System.getenv());
    } catch (ConfigValidationException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (BinlogException e) {
      System.err.println("pump: " + e.getMessage());
      return 2;
    }
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
