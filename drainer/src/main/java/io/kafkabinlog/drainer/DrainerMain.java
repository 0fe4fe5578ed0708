package io.kafkabinlog.drainer;

import io.kafkabinlog.common.config.MainConfig;
import io.kafkabinlog.drainer.config.DrainerConfig;
import io.kafkabinlog.drainer.config.DrainerConfigLoader;
import io.kafkabinlog.drainer.lifecycle.DrainerNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/drainer --config=drainer.toml [--key=value ...]}; environment {@code BINLOG_SERVER_*}
 * (the original's) and {@code DRAINER_*}. Exit codes: 0 after a pause (SIGTERM, {@code PUT
 * /state/<id>/pause}) or a close, 2 for an invalid configuration, 1 for any other failure (the
 * error is logged once, with its message).
 */
public final class DrainerMain {
  private static final Logger LOG = LoggerFactory.getLogger(DrainerMain.class);

  private DrainerMain() {}

  public static void main(final String[] args) {
    System.exit(run(List.of(args), System.getenv()));
  }

  static int run(final List<String> args, final Map<String, String> env) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.println(
          "usage: drainer --config=drainer.toml [--key=value ...]   (keys: the original"
              + " drainer.toml's, see compose/drainer.toml; environment DRAINER_<KEY>, e.g."
              + " DRAINER_SYNCER__TO__PASSWORD)");
      return 0;
    }
    final Optional<DrainerConfig> loaded =
        MainConfig.load("drainer", () -> DrainerConfigLoader.load(args, env), System.err);
    if (loaded.isEmpty()) {
      return MainConfig.INVALID_EXIT_CODE;
    }
    final DrainerConfig config = loaded.get();
    final DrainerNode node;
    try {
      node = DrainerNode.start(config);
    } catch (RuntimeException e) {
      LOG.error("drainer failed to start: {}", e.getMessage(), e);
      return 1;
    }
    // SIGTERM: pause (the sink writes its consistent checkpoint, the entry goes paused), then end
    // the JVM with the drainer's exit code rather than the signal's 143.
    final Duration stopWait = config.closeTimeout().multipliedBy(2).plusSeconds(10);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.terminate(stopWait);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  Runtime.getRuntime().halt(node.exitCode());
                },
                "drainer-sigterm"));
    try {
      node.awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    LOG.info("drainer {} exits with code {}", node.nodeId(), node.exitCode());
    return node.exitCode();
  }
}
