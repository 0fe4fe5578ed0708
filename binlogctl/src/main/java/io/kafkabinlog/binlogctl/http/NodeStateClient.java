package io.kafkabinlog.binlogctl.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.binlogctl.registry.NodeLine;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code PUT http://<addr>/state/<nodeID>/<pause|close>} on a pump or drainer, as the original
 * binlogctl sends it. The address is the node's {@code statusAddr} (our extra registry field: our
 * nodes serve HTTP apart from gRPC), else its {@code host}, which is where the original nodes serve
 * both.
 */
public final class NodeStateClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The actions of the original's status API. */
  public enum Action {
    PAUSE("pause"),
    CLOSE("close");

    private final String path;

    Action(final String path) {
      this.path = path;
    }

    public String path() {
      return path;
    }
  }

  private final HttpClient http;
  private final Duration timeout;

  public NodeStateClient(final Duration timeout) {
    this(HttpClient.newBuilder().connectTimeout(timeout).build(), timeout);
  }

  NodeStateClient(final HttpClient http, final Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Where the node's status API is, as {@code host:port}. */
  public static String statusAddress(final NodeStatus status) {
    final String statusAddr = status.statusAddr();
    return statusAddr == null || statusAddr.isBlank() ? status.host() : statusAddr;
  }

  /**
   * The URL, with the node id as it is (a {@code host:port} id keeps its colon, as the original
   * sends it); only characters a path may not hold are escaped.
   */
  static URI uri(final NodeStatus status, final Action action) {
    final String address = statusAddress(status);
    try {
      return new URI(
          "http", address, "/state/" + status.nodeId() + "/" + action.path(), null, null);
    } catch (URISyntaxException e) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "node " + status.nodeId() + " has a status address that is not host:port: " + address,
          e);
    }
  }

  /**
   * Sends the action and checks the reply: a transport error, an HTTP status other than 200 and the
   * original's error envelope ({@code {"code": 3, "message": ...}}) each fail with the node and the
   * URL named.
   *
   * @return the reply's message, e.g. {@code apply action pause success!}
   * @throws RetriableBinlogException {@code NODE_UNREACHABLE} if the node did not answer
   * @throws FatalBinlogException {@code REGISTRY_CONFLICT} if the node refused the action
   */
  public String apply(final NodeKind kind, final RegisteredNode node, final Action action) {
    final URI uri = uri(node.status(), action);
    final String who = NodeLine.typeName(kind) + " " + node.status().nodeId();
    final HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetriableBinlogException(
          ErrorCode.NODE_UNREACHABLE,
          who
              + " did not answer PUT "
              + uri
              + ": "
              + e
              + (node.live()
                  ? ""
                  : " (it holds no liveness key in the registry, so it is probably not running)"),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for " + who + " at " + uri, e);
    }
    if (response.statusCode() != 200) {
      throw new FatalBinlogException(
          ErrorCode.NODE_UNREACHABLE,
          who
              + " answered PUT "
              + uri
              + " with HTTP "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return checkEnvelope(who, uri, response.body());
  }

  /** The original's {@code {"message","code","data"}}: code 200 is success. */
  private static String checkEnvelope(final String who, final URI uri, final String body) {
    final JsonNode reply;
    try {
      reply = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      // The original binlogctl looks at transport errors only; a body we cannot read is not one.
      return body;
    }
    if (reply == null || !reply.isObject() || !reply.has("code")) {
      return body;
    }
    final String message = reply.path("message").asText("");
    if (reply.path("code").asInt() != 200) {
      throw new FatalBinlogException(
          ErrorCode.REGISTRY_CONFLICT, who + " refused PUT " + uri + ": " + message);
    }
    return message;
  }
}
