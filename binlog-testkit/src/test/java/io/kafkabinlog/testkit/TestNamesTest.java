package io.kafkabinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNamesTest {
  @Test
  void shouldKeepOnlyLowercaseLettersDigitsAndDashes() {
    assertThat(TestNames.unique("My_Test.should Do$It", 60))
        .matches("my-test-should-do-it-[0-9a-f]{8}");
  }

  @Test
  void shouldTruncateTheReadablePartButKeepTheRandomSuffix() {
    final String name = TestNames.unique("a".repeat(100), 20);
    assertThat(name).hasSize(20).matches("a{11}-[0-9a-f]{8}");
  }

  @Test
  void shouldNeverRepeatANameForTheSameTest() {
    final Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      names.add(TestNames.unique("same", 30));
    }
    assertThat(names).hasSize(1000);
  }

  @Test
  void shouldRefuseALengthThatLeavesNoRoom() {
    assertThatThrownBy(() -> TestNames.unique("x", 9)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldReadEndpointsFromEnvironmentWithLocalDefaults() {
    final ServiceEndpoints defaults = ServiceEndpoints.from(java.util.Map.of());
    assertThat(defaults.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(defaults.mariaDbPort()).isEqualTo(3307);
    final ServiceEndpoints custom =
        ServiceEndpoints.from(
            java.util.Map.of("BINLOG_KAFKA_BOOTSTRAP", "k:1", "BINLOG_MARIADB_PORT", "3310"));
    assertThat(custom.kafkaBootstrap()).isEqualTo("k:1");
    assertThat(custom.mariaDbJdbcUrl("db")).startsWith("jdbc:mariadb://127.0.0.1:3310/db");
  }
}
