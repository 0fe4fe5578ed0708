package io.kafkabinlog.mysqlsink;

import io.kafkabinlog.common.config.MainConfig;
import io.kafkabinlog.common.lifecycle.MainApp;
import io.kafkabinlog.mysqlsink.app.MysqlSinkApp;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/mysql-sink --config=mysql-sink.toml [--key=value ...]}; environment {@code
 * MYSQL_SINK_*}. Exit codes: 0 after SIGTERM stopped the sink cleanly, 2 for an invalid
 * configuration, 1 for any other failure (the error is logged once, with its message).
 */
public final class MysqlSinkMain {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlSinkMain.class);

  private MysqlSinkMain() {}

  public static void main(final String[] args) {
    System.exit(run(List.of(args), System.getenv()));
  }

  static int run(final List<String> args, final Map<String, String> env) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.println(
          "usage: mysql-sink --config=mysql-sink.toml [--key=value ...]   (keys: see"
              + " compose/mysql-sink.toml; environment MYSQL_SINK_<KEY>, e.g."
              + " MYSQL_SINK_SYNCER__TO__PASSWORD)");
      return 0;
    }
    final Optional<MysqlSinkConfig> loaded =
        MainConfig.load("mysql-sink", () -> MysqlSinkConfigLoader.load(args, env), System.err);
    if (loaded.isEmpty()) {
      return MainConfig.INVALID_EXIT_CODE;
    }
    final MysqlSinkConfig config = loaded.get();
    final MysqlSinkApp app;
    try {
      app = MysqlSinkApp.start(config);
    } catch (RuntimeException e) {
      LOG.error("mysql-sink failed to start: {}", e.getMessage(), e);
      return 1;
    }
    return MainApp.runToExit(app, "mysql-sink-sigterm");
  }
}
