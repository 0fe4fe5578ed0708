package io.kafkabinlog.common.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Prometheus text exposition (format 0.0.4) of a registry, for a component's {@code /metrics}. */
public final class PrometheusText {
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private PrometheusText() {}

  public static byte[] scrape(final PrometheusRegistry registry) {
    return write(registry.scrape());
  }

  /**
   * One exposition of several registries (a process running several components, each with its own);
   * their metric names must differ.
   *
   * @throws IllegalArgumentException if two registries hold a metric of the same name
   */
  public static byte[] scrape(final List<PrometheusRegistry> registries) {
    final List<MetricSnapshot> all = new ArrayList<>();
    for (final PrometheusRegistry registry : registries) {
      registry.scrape().forEach(all::add);
    }
    return write(new MetricSnapshots(all));
  }

  private static byte[] write(final MetricSnapshots snapshots) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      PrometheusTextFormatWriter.create().write(out, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics", e);
    }
    return out.toByteArray();
  }
}
