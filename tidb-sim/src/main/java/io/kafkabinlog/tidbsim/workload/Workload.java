package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.tidbsim.engine.SimCluster;

/** A reproducible stream of SQL-like work run against the sim (seeded by the options). */
public interface Workload {

  /** The name {@code run --workload=NAME} selects. */
  String name();

  /** Runs to completion (or until the options' duration or transaction count is reached). */
  void run(SimCluster sim, WorkloadOptions options, Progress progress);
}
