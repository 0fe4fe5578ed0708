package io.kafkabinlog.mysqlsink.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  @Test
  void shouldWriteTheOriginalDrainersTextForAFreshCheckpoint() {
    assertThat(Checkpoint.initial(409_000_000_000_000_000L).toJson())
        .isEqualTo(
            "{\"consistent\":false,\"commitTS\":409000000000000000,\"ts-map\":{},"
                + "\"schema-version\":0}");
  }

  @Test
  void shouldWriteTsMapKeysSortedAsGoDoes() {
    final Map<String, Long> tsMap = new LinkedHashMap<>();
    tsMap.put("secondary-ts", 2L);
    tsMap.put("primary-ts", 1L);

    assertThat(new Checkpoint(true, 7, tsMap, 42).toJson())
        .isEqualTo(
            "{\"consistent\":true,\"commitTS\":7,\"ts-map\":{\"primary-ts\":1,\"secondary-ts\":2},"
                + "\"schema-version\":42}");
  }

  @Test
  void shouldRoundTrip() {
    final Checkpoint checkpoint = new Checkpoint(true, 1L << 60, Map.of("primary-ts", 3L), 9);

    assertThat(Checkpoint.parse(checkpoint.toJson())).isEqualTo(checkpoint);
  }

  @Test
  void shouldReadTheOlderDrainersShapes() {
    // Before consistent/schema-version existed, with the nil map Go writes as null.
    assertThat(Checkpoint.parse("{\"commitTS\":409,\"ts-map\":null}"))
        .isEqualTo(Checkpoint.initial(409));
    assertThat(Checkpoint.parse("{\"commitTS\":409,\"ts-map\":{\"master-ts\":1,\"slave-ts\":2}}"))
        .isEqualTo(new Checkpoint(false, 409, Map.of("master-ts", 1L, "slave-ts", 2L), 0));
  }

  @Test
  void shouldMatchFieldNamesWithoutCaseAndIgnoreUnknownOnesAsGoDoes() {
    assertThat(
            Checkpoint.parse(
                "{ \"CommitTS\": 5, \"Consistent\": true, \"extra\": [1], \"SCHEMA-VERSION\": 3 }"))
        .isEqualTo(new Checkpoint(true, 5, Map.of(), 3));
  }

  @Test
  void shouldRejectWhatGoWouldRejectWithTheText() {
    for (final String text :
        new String[] {
          "not json", "[]", "{\"commitTS\":1.5}", "{\"consistent\":\"yes\"}", "{\"ts-map\":[1]}"
        }) {
      assertThatThrownBy(() -> Checkpoint.parse(text))
          .isInstanceOf(FatalBinlogException.class)
          .hasMessageContaining(text)
          .satisfies(
              e ->
                  assertThat(((FatalBinlogException) e).code())
                      .isEqualTo(ErrorCode.MALFORMED_INPUT));
    }
  }
}
