package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;

/** The exactly-once and atomicity checks of the bank runs, on the sampler's and audit's records. */
final class BankInvariants {
  private BankInvariants() {}

  /**
   * Every sample taken with the accounts in place shows all of them and the constant total (a
   * transfer is never half applied); returns those samples.
   */
  static List<DownstreamSampler.Sample> totalConstant(
      final List<DownstreamSampler.Sample> samples, final int accounts, final BigDecimal total) {
    final List<DownstreamSampler.Sample> withAccounts =
        samples.stream().filter(s -> s.bankRows() > 0).toList();
    for (DownstreamSampler.Sample s : withAccounts) {
      assertThat(s.bankRows()).as("accounts in %s", s).isEqualTo(accounts);
      assertThat(s.bankTotal()).as("bank total in %s", s).isEqualByComparingTo(total);
    }
    return withAccounts;
  }

  /**
   * In every sample, the transactions applied at or below the stored checkpoint are exactly the
   * committed ones: the checkpoint never got ahead of applied work.
   */
  static void checkpointNeverAhead(
      final List<DownstreamSampler.Sample> samples, final SimOutcomes outcomes) {
    for (DownstreamSampler.Sample s : samples) {
      if (s.checkpointTs() >= 0) {
        assertThat(s.auditedAtOrBelow())
            .as("applied transactions at or below the checkpoint in %s", s)
            .isEqualTo(outcomes.committedAtOrBelow(s.checkpointTs()));
      }
    }
  }

  /** The audit saw every committed transaction applied, and none twice. */
  static void eachCommittedOnce(final AppliedAudit audit, final SimOutcomes outcomes)
      throws SQLException {
    final List<Long> applied = audit.commitTs();
    assertThat(applied).as("no commit_ts applied twice").doesNotHaveDuplicates();
    assertThat(new HashSet<>(applied)).isEqualTo(outcomes.committed());
  }
}
