package io.kafkabinlog.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static PrometheusRegistry withCounter(final String name, final long value) {
    final PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name(name).help("test").register(registry).inc(value);
    return registry;
  }

  @Test
  void severalRegistriesMakeOneExposition() {
    final String text =
        new String(
            PrometheusText.scrape(
                List.of(withCounter("binlog_a_things", 2), withCounter("binlog_b_things", 3))),
            StandardCharsets.UTF_8);

    assertThat(text).contains("binlog_a_things_total 2").contains("binlog_b_things_total 3");
    assertThat(text.lines().filter(l -> l.startsWith("# TYPE"))).hasSize(2);
  }

  @Test
  void aNameInTwoRegistriesIsRefused() {
    assertThatThrownBy(
            () ->
                PrometheusText.scrape(
                    List.of(withCounter("binlog_same", 1), withCounter("binlog_same", 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
