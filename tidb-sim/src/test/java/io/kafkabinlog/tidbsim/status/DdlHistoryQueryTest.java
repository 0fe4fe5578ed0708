package io.kafkabinlog.tidbsim.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DdlHistoryQueryTest {

  @Test
  void shouldDefaultToTheNewestMaxLimitJobs() {
    assertThat(DdlHistoryQuery.parse(null, null)).isEqualTo(new DdlHistoryQuery(0, 2048));
    assertThat(DdlHistoryQuery.parse("", "")).isEqualTo(new DdlHistoryQuery(0, 2048));
    assertThat(DdlHistoryQuery.parse(null, "+7")).isEqualTo(new DdlHistoryQuery(0, 7));
    assertThat(DdlHistoryQuery.parse("12", "3")).isEqualTo(new DdlHistoryQuery(12, 3));
  }

  @Test
  void shouldRejectWhatGoAtoiRejects() {
    assertThatThrownBy(() -> DdlHistoryQuery.parse(null, " 3"))
        .hasMessage("strconv.Atoi: parsing \" 3\": invalid syntax");
    assertThatThrownBy(() -> DdlHistoryQuery.parse(null, "-"))
        .hasMessage("strconv.Atoi: parsing \"-\": invalid syntax");
    assertThatThrownBy(() -> DdlHistoryQuery.parse("-4", "1"))
        .hasMessage("ddl history start_job_id must be greater than 0");
  }
}
