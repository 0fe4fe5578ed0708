package io.kafkabinlog.tidbsim.pumpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PumpSelectorTest {

  @Test
  void shouldRoundRobinOverThePumpsWhenStrategyIsRange() {
    final PumpSelector<String> range = SelectionStrategy.RANGE.newSelector();
    range.setPumps(List.of("p1", "p2", "p3"));

    final List<String> picked = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picked.add(range.select(1000 + i, 0));
    }

    assertThat(picked).containsExactly("p1", "p2", "p3", "p1", "p2", "p3", "p1");
  }

  @Test
  void shouldStartOverFromTheFirstPumpWhenThePumpSetChanges() {
    final PumpSelector<String> range = new RangeSelector<>();
    range.setPumps(List.of("p1", "p2", "p3"));
    range.select(1, 0);
    range.select(2, 0);

    range.setPumps(List.of("p1", "p3"));

    assertThat(range.select(3, 0)).isEqualTo("p1");
    assertThat(range.select(4, 0)).isEqualTo("p3");
    assertThat(range.select(5, 0)).isEqualTo("p1");
  }

  @Test
  void shouldTakeTheNextPumpOnRetryWhenStrategyIsRange() {
    final PumpSelector<String> range = new RangeSelector<>();
    range.setPumps(List.of("p1", "p2"));

    assertThat(range.select(7, 0)).isEqualTo("p1");
    assertThat(range.select(7, 1)).isEqualTo("p2");
  }

  @Test
  void shouldSelectNothingWhenNoPumpIsAvailable() {
    assertThat(new RangeSelector<String>().select(1, 0)).isNull();
    assertThat(new HashSelector<String>().select(1, 0)).isNull();
  }

  @Test
  void shouldHashTheDecimalStartTsWithFnv1a32LikeTidb() {
    // FNV-1a 32 of "1", "12345" and "400000000000000000", computed independently.
    assertThat(HashSelector.hash(1)).isEqualTo(873_244_444L);
    assertThat(HashSelector.hash(12_345)).isEqualTo(1_136_836_824L);
    assertThat(HashSelector.hash(400_000_000_000_000_000L)).isEqualTo(4_146_036_969L);
  }

  @Test
  void shouldPickByStartTsAndShiftByRetryWhenStrategyIsHash() {
    final PumpSelector<String> hash = SelectionStrategy.HASH.newSelector();
    hash.setPumps(List.of("p0", "p1", "p2"));

    // 873244444 % 3 == 1, 1136836824 % 3 == 0
    assertThat(hash.select(1, 0)).isEqualTo("p1");
    assertThat(hash.select(1, 0)).isEqualTo("p1");
    assertThat(hash.select(1, 1)).isEqualTo("p2");
    assertThat(hash.select(1, 2)).isEqualTo("p0");
    assertThat(hash.select(12_345, 0)).isEqualTo("p0");
  }

  @Test
  void shouldAcceptOnlyTidbsStrategyNames() {
    assertThat(SelectionStrategy.fromWireName("range")).isEqualTo(SelectionStrategy.RANGE);
    assertThat(SelectionStrategy.fromWireName("hash")).isEqualTo(SelectionStrategy.HASH);
    assertThatThrownBy(() -> SelectionStrategy.fromWireName("score"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range or hash");
  }
}
