package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.tidbsim.workload.BankWorkload;
import io.kafkabinlog.tidbsim.workload.DdlWorkload;
import io.kafkabinlog.tidbsim.workload.LargeWorkload;
import io.kafkabinlog.tidbsim.workload.OltpWorkload;
import io.kafkabinlog.tidbsim.workload.TutorialWorkload;
import io.kafkabinlog.tidbsim.workload.Workload;
import java.util.List;

/** The workloads {@code run --workload=NAME} knows. */
final class Workloads {
  private Workloads() {}

  static List<Workload> all() {
    return List.of(
        new TutorialWorkload(),
        new BankWorkload(),
        new OltpWorkload(),
        new DdlWorkload(),
        new LargeWorkload());
  }

  static Workload named(final String name) {
    return all().stream()
        .filter(w -> w.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no workload named " + name));
  }
}
