package io.kafkabinlog.common.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The original pump's and drainer's {@code {"message","code","data"}} reply, always HTTP 200 (an
 * error is a code other than 200 in the body), which binlogctl and ops scripts read.
 */
public final class OriginalEnvelope {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OriginalEnvelope() {}

  /** {@code {"message":message,"code":code,"data":null}}. */
  public static HttpReply reply(final String message, final int code) {
    final ObjectNode node = JSON.createObjectNode();
    node.put("message", message);
    node.put("code", code);
    node.putNull("data");
    return HttpReply.json(node);
  }

  /**
   * The drainer's {@code GET /commit_ts}: {@code {"message":"get drainer's latest ts
   * success!","code":200,"data":{"ts":ts}}}.
   */
  public static HttpReply commitTs(final long ts) {
    final ObjectNode node = JSON.createObjectNode();
    node.put("message", "get drainer's latest ts success!");
    node.put("code", 200);
    node.putObject("data").put("ts", ts);
    return HttpReply.json(node);
  }
}
