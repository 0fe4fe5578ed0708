package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.error.BinlogException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tidb-sim command line: {@code tso}, {@code run}, {@code verify}. Settings come from {@code
 * --config=FILE} (TOML), then environment variables {@code TIDB_SIM_*}, then {@code --key=value}
 * flags. Exit codes: 0 done, 1 failed (or verify found a difference), 2 bad usage or settings.
 */
public final class TidbSimCli {
  private static final Logger LOG = LoggerFactory.getLogger(TidbSimCli.class);
  static final String ENV_PREFIX = "TIDB_SIM_";

  private static final String USAGE =
      """
      usage: tidb-sim COMMAND [--config=FILE] [--key=value ...]

      commands:
        tso     serve PD's TSO (gRPC, --addr=127.0.0.1:2479) and TiDB's status API
                (--status-addr=127.0.0.1:10080: /status, /ddl/history, /schema, /txn-status)
        run     run a workload as TiDB with binlog enabled: --workload=tutorial|bank|oltp|ddl|large
                [--tso-urls=http://127.0.0.1:2479] [--pd-urls=http://127.0.0.1:2379] [--seed=1]
                [--threads=4] [--txns=N] [--duration=30s] [--rate=0] [--txn-size=10]
                [--accounts=100] [--size=100MiB] [--binlog.strategy=range|hash]
                [--binlog.write-timeout=15s] [--binlog.wait-for-pumps=true]
                [--binlog.registry-root=/tidb-binlog]
                [--crash-after-prewrite=N] [--status-addr=host:port]
        verify  compare the expected state with MySQL/MariaDB: [--mysql.host=127.0.0.1]
                [--mysql.port=3306] [--mysql.user=root] [--mysql.password-file=FILE]

      every command: [--data-dir=data.tidb-sim] (the sim's durable state)
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  public TidbSimCli(final PrintStream out, final PrintStream err, final Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /** Runs one command; returns the process exit code. */
  public int run(final String[] args) {
    if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      Settings settings = Settings.load(rest, env, ENV_PREFIX);
      return switch (args[0]) {
        case "tso" -> TsoCommand.run(settings, out);
        case "run" -> RunCommand.run(settings, out);
        case "verify" -> VerifyCommand.run(settings, out);
        default -> {
          err.println("tidb-sim: unknown command '" + args[0] + "'");
          err.print(USAGE);
          yield 2;
        }
      };
    } catch (ConfigValidationException e) {
      err.println("tidb-sim " + args[0] + ": " + e.getMessage());
      return 2;
    } catch (BinlogException e) {
      // The message names the problem and the setting; the stack is for debugging only.
      LOG.debug("tidb-sim {} failed", args[0], e);
      err.println("tidb-sim " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }
}
