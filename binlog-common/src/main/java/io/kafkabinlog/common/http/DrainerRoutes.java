package io.kafkabinlog.common.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The read-only paths of the original drainer's API, which every drainer-side component serves (the
 * ordering stream, the mysql-sink, the drainer holding both), a trailing slash allowed:
 *
 * <pre>
 * GET /status     the component's status document
 * GET /commit_ts  {"message":"get drainer's latest ts success!","code":200,"data":{"ts":ts}}
 * GET /metrics    Prometheus text
 * </pre>
 *
 * Other paths answer 404, a wrong method 405.
 *
 * @param status the {@code /status} document, built per request
 * @param commitTs the {@code /commit_ts} figure (the checkpoint, or the stream's resolved ts)
 * @param metrics the {@code /metrics} reply
 */
public record DrainerRoutes(
    Supplier<ObjectNode> status, LongSupplier commitTs, Supplier<HttpReply> metrics)
    implements StatusHttpServer.Routes {

  public DrainerRoutes {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(commitTs, "commitTs");
    Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public HttpReply route(final String method, final String path) {
    return switch (withoutTrailingSlash(path)) {
      case "/status" -> HttpReply.only("GET", method, () -> HttpReply.json(status.get()));
      case "/commit_ts" ->
          HttpReply.only("GET", method, () -> OriginalEnvelope.commitTs(commitTs.getAsLong()));
      case "/metrics" -> HttpReply.only("GET", method, metrics);
      default -> HttpReply.notFound(path);
    };
  }

  /** {@code path} without one trailing slash ("/" stays). */
  public static String withoutTrailingSlash(final String path) {
    return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
  }
}
