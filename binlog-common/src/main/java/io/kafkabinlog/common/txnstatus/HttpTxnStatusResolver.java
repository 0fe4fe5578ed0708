package io.kafkabinlog.common.txnstatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Asks tidb-sim's {@code GET /txn-status/{start_ts}} (the stand-in for TiKV's MVCC and lock
 * resolver) how a transaction ended. The answer is {@code {"start_ts":..,"status":"committed" |
 * "rolled_back" | "pending","commit_ts":..}}; the primary key is not needed by the sim.
 */
public final class HttpTxnStatusResolver implements TxnStatusResolver {
  /** The setting named in error messages when the caller does not name its own. */
  public static final String DEFAULT_SETTING = "txn-status-url";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Duration timeout;
  private final String setting;
  private final HttpClient client;

  /**
   * @param baseUrl the status address, e.g. {@code http://127.0.0.1:10080}
   * @param timeout per request (connect and answer)
   * @param setting the configuration key holding {@code baseUrl}, named in error messages
   */
  public HttpTxnStatusResolver(final URI baseUrl, final Duration timeout, final String setting) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          setting + " must be an http(s) URL like http://127.0.0.1:10080, got " + baseUrl);
    }
    final String s = baseUrl.toString();
    this.baseUrl = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.setting = Objects.requireNonNull(setting, "setting");
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public HttpTxnStatusResolver(final URI baseUrl, final Duration timeout) {
    this(baseUrl, timeout, DEFAULT_SETTING);
  }

  @Override
  public TxnStatus resolve(final long startTs, final byte[] primaryKey) {
    final URI uri = URI.create(baseUrl + "/txn-status/" + startTs);
    final HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    final HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unavailable(uri, e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(uri, "interrupted", e);
    }
    final int code = response.statusCode();
    if (code >= 500) {
      throw unavailable(uri, "HTTP " + code + ": " + response.body(), null);
    }
    if (code != 200) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "transaction-status service "
              + uri
              + " answered HTTP "
              + code
              + " ("
              + response.body().strip()
              + "); "
              + setting
              + " must point at tidb-sim's status address");
    }
    return parse(uri, startTs, response.body());
  }

  private static TxnStatus parse(final URI uri, final long startTs, final String body) {
    final JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw malformed(uri, body, e);
    }
    if (node == null || node.path("start_ts").asLong(-1) != startTs) {
      throw malformed(uri, body, null);
    }
    final String status = node.path("status").asText("");
    final long commitTs = node.path("commit_ts").asLong(0);
    return switch (status) {
      case "committed" -> {
        if (commitTs <= startTs) {
          throw malformed(uri, body, null);
        }
        yield new TxnStatus.Committed(commitTs);
      }
      case "rolled_back" -> new TxnStatus.RolledBack();
      case "pending" -> new TxnStatus.Pending();
      default -> throw malformed(uri, body, null);
    };
  }

  private RetriableBinlogException unavailable(
      final URI uri, final String why, final Throwable cause) {
    return new RetriableBinlogException(
        ErrorCode.TXN_STATUS_UNAVAILABLE,
        "transaction-status service "
            + uri
            + " is unavailable ("
            + why
            + "); check that it runs and that "
            + setting
            + " names its address",
        cause);
  }

  private static FatalBinlogException malformed(
      final URI uri, final String body, final Throwable cause) {
    return new FatalBinlogException(
        ErrorCode.MALFORMED_INPUT,
        "transaction-status service " + uri + " sent an unexpected answer: " + body,
        cause);
  }
}
