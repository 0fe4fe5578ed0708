package io.kafkabinlog.tidbsim.txn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultSwitchTest {

  @Test
  void shouldCrashExactlyTheNextNPrewritesAndCountThem() {
    final FaultSwitch faults = new FaultSwitch();
    assertThat(faults.crashAfterPrewrite(1)).isFalse();
    faults.armCrashAfterPrewrite(2);
    assertThat(faults.remaining()).isEqualTo(2);
    assertThat(faults.crashAfterPrewrite(10)).isTrue();
    assertThat(faults.crashAfterPrewrite(11)).isTrue();
    assertThat(faults.crashAfterPrewrite(12)).isFalse();
    assertThat(faults.crashedTransactions()).isEqualTo(2);
    assertThat(faults.state()).isEqualTo(new FaultSwitch.State(0, 2, java.util.List.of(10L, 11L)));

    faults.armCrashAfterPrewrite(5);
    faults.disarm();
    assertThat(faults.crashAfterPrewrite(13)).isFalse();
    assertThat(faults.crashedTransactions()).isEqualTo(2);
  }
}
