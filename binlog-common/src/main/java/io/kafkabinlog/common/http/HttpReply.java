package io.kafkabinlog.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.metrics.PrometheusText;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link StatusHttpServer} route answers.
 *
 * @param status HTTP status
 * @param contentType the Content-Type header
 * @param body the body; empty: none
 * @param headers further response headers
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json; charset=utf-8";

  public HttpReply {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  /** 200 with {@code value} as JSON. */
  public static HttpReply json(final Object value) {
    try {
      return new HttpReply(200, JSON_TYPE, JSON.writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass(), e);
    }
  }

  public static HttpReply text(final int status, final String text) {
    return new HttpReply(
        status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** 200 with the registry's Prometheus text: {@code GET /metrics}. */
  public static HttpReply metrics(final PrometheusRegistry registry) {
    return new HttpReply(
        200, PrometheusText.CONTENT_TYPE, PrometheusText.scrape(registry), Map.of());
  }

  /** 200 with the registries' metrics in one Prometheus text: {@code GET /metrics}. */
  public static HttpReply metrics(final List<PrometheusRegistry> registries) {
    return new HttpReply(
        200, PrometheusText.CONTENT_TYPE, PrometheusText.scrape(registries), Map.of());
  }

  /** {@code handler}'s reply if {@code method} is {@code allowed}, else 405 saying which is. */
  public static HttpReply only(
      final String allowed, final String method, final Supplier<HttpReply> handler) {
    if (!allowed.equals(method)) {
      return new HttpReply(
          405,
          "text/plain; charset=utf-8",
          ("method " + method + " not allowed; use " + allowed).getBytes(StandardCharsets.UTF_8),
          Map.of("Allow", allowed));
    }
    return handler.get();
  }

  /** 404 naming the path. */
  public static HttpReply notFound(final String path) {
    return text(404, "404 page not found: " + path);
  }
}
