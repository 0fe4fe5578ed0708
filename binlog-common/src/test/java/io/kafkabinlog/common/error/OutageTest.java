package io.kafkabinlog.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutageTest {
  private final Outage outage = new Outage();

  @Test
  void onlyTheFirstFailureStartsAnOutageAndOnlyTheFirstSuccessEndsIt() {
    assertThat(outage.succeeded()).isFalse();
    assertThat(outage.failed()).isTrue();
    assertThat(outage.failed()).isFalse();
    assertThat(outage.failed()).isFalse();
    assertThat(outage.succeeded()).isTrue();
    assertThat(outage.succeeded()).isFalse();
    // A second outage is reported again.
    assertThat(outage.failed()).isTrue();
    assertThat(outage.succeeded()).isTrue();
  }
}
