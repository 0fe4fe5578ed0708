package io.kafkabinlog.binlogctl;

import io.kafkabinlog.binlogctl.cli.BinlogctlFlags;
import io.kafkabinlog.binlogctl.cli.UsageException;
import io.kafkabinlog.common.error.BinlogException;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/binlogctl -cmd <command> [flags]}. Exit codes: 0 done, 1 the command failed (the
 * message names the node or endpoint), 2 the command line is wrong.
 */
public final class BinlogctlMain {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogctlMain.class);

  // gRPC's netty logs a line at INFO through java.util.logging on first use; a command-line tool
  // should print only its answer. Held here: JUL keeps loggers weakly.
  private static final java.util.logging.Logger GRPC_JUL =
      java.util.logging.Logger.getLogger("io.grpc");

  private BinlogctlMain() {}

  public static void main(final String[] args) {
    GRPC_JUL.setLevel(java.util.logging.Level.WARNING);
    System.exit(run(List.of(args), System.out, System.err));
  }

  static int run(final List<String> args, final PrintStream out, final PrintStream err) {
    final BinlogctlFlags.Request request;
    try {
      request = BinlogctlFlags.parse(args);
    } catch (UsageException e) {
      err.println("binlogctl: " + e.getMessage() + " (binlogctl -h lists the flags)");
      return 2;
    }
    if (request instanceof BinlogctlFlags.Help) {
      out.print(BinlogctlFlags.USAGE);
      return 0;
    }
    if (request instanceof BinlogctlFlags.Version) {
      final String version = BinlogctlMain.class.getPackage().getImplementationVersion();
      out.println("binlogctl " + (version == null ? "(development build)" : version));
      return 0;
    }
    final BinlogctlFlags.Run run = (BinlogctlFlags.Run) request;
    try {
      new Binlogctl(run.options(), out, ZoneId.systemDefault()).run();
      return 0;
    } catch (BinlogException e) {
      err.println(
          "binlogctl: " + run.options().command().wireName() + " failed: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      LOG.error("binlogctl: {} failed", run.options().command().wireName(), e);
      return 1;
    }
  }
}
