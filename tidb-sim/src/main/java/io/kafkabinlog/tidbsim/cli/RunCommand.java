package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.workload.Progress;
import io.kafkabinlog.tidbsim.workload.Workload;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidb-sim run --workload=NAME}: runs a workload as TiDB sessions, writing binlog to the
 * registered pumps, and exits once every commit binlog was acknowledged (or given up on).
 */
final class RunCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  private RunCommand() {}

  static int run(final Settings settings, final PrintStream out) {
    RunConfig config = RunConfig.from(settings);
    Workload workload = Workloads.named(config.workload());
    try (SimRuntime runtime = new SimRuntime(config)) {
      SimCluster sim = runtime.sim();
      if (runtime.statusUrl() != null) {
        out.println("tidb-sim: TiDB status API on " + runtime.statusUrl());
      }
      Progress progress =
          new Progress(workload.name(), sim.stats(), config.progressInterval(), out::println);
      LOG.info("running workload {} with {}", workload.name(), config.options());
      workload.run(sim, config.options(), progress);
      out.println(
          "tidb-sim: "
              + workload.name()
              + " finished: "
              + sim.stats()
              + "; waiting for commit binlogs still in flight");
    }
    return 0;
  }
}
