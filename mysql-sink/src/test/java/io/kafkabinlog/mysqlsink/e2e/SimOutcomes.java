package io.kafkabinlog.mysqlsink.e2e;

import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.NavigableSet;
import java.util.TreeSet;

/** The commit_ts of every transaction the sim recorded as committed (its txn-outcome log). */
record SimOutcomes(NavigableSet<Long> committed, int rolledBack) {

  static SimOutcomes read(final Path simDataDir) throws IOException {
    final NavigableSet<Long> committed = new TreeSet<>();
    int rolledBack = 0;
    for (TxnOutcome o : TxnOutcomeLog.readAll(simDataDir)) {
      if (o.committed()) {
        committed.add(o.commitTs());
      } else {
        rolledBack++;
      }
    }
    return new SimOutcomes(committed, rolledBack);
  }

  long lastCommitTs() {
    return committed.isEmpty() ? 0 : committed.last();
  }

  /** How many committed transactions have a commit_ts at or below {@code commitTs}. */
  int committedAtOrBelow(final long commitTs) {
    return committed.headSet(commitTs, true).size();
  }
}
