package io.kafkabinlog.tidbsim.verify;

import java.util.List;

/** The outcome of one verification: a report per table, differing or not. */
public record VerificationResult(List<TableReport> tables) {

  public VerificationResult {
    tables = List.copyOf(tables);
  }

  /** True when every table matched. */
  public boolean ok() {
    return tables.stream().allMatch(TableReport::ok);
  }

  public List<TableReport> differing() {
    return tables.stream().filter(t -> !t.ok()).toList();
  }

  /** The process exit code for the CLI: 0 when everything matched, 1 on any difference. */
  public int exitCode() {
    return ok() ? 0 : 1;
  }
}
