package io.kafkabinlog.common.tso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TsoTest {
  @Test
  void shouldComposeAndSplitPdTimestamps() {
    // 2019-05-23 (a TSO from the TiDB-Binlog docs era): physical ms in the high bits.
    final long tso = Tso.compose(1_558_600_000_000L, 7);
    assertThat(tso).isEqualTo(1_558_600_000_000L * 262_144 + 7);
    assertThat(Tso.physicalMillis(tso)).isEqualTo(1_558_600_000_000L);
    assertThat(Tso.logical(tso)).isEqualTo(7);
    assertThat(Tso.toInstant(tso)).isEqualTo(Instant.ofEpochMilli(1_558_600_000_000L));
    assertThat(Tso.fromInstant(Instant.ofEpochMilli(5))).isEqualTo(5L << 18);
  }

  @Test
  void shouldOrderByPhysicalThenLogical() {
    assertThat(Tso.compose(1000, Tso.MAX_LOGICAL)).isLessThan(Tso.compose(1001, 0));
  }

  @Test
  void shouldRejectOutOfRangeParts() {
    assertThatThrownBy(() -> Tso.compose(1, 1 << 18)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tso.compose(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
