package io.kafkabinlog.common.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Prometheus text exposition (format 0.0.4) of a registry, for a component's {@code /metrics}. */
public final class PrometheusText {
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private PrometheusText() {}

  public static byte[] scrape(final PrometheusRegistry registry) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics", e);
    }
    return out.toByteArray();
  }
}
