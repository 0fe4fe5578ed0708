package io.kafkabinlog.common.http;

import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /state/{nodeID}/{pause|close}} of a pump's or a drainer's status API, with the
 * original's envelope so that binlogctl's {@code pause-*} and {@code offline-*} keep working:
 *
 * <pre>
 * {"message":"apply action pause success!","code":200,"data":null}
 * </pre>
 *
 * Errors (another node's id, an unknown action, a node that refuses the action) are HTTP 200 with
 * code {@value #ERROR_CODE}, as the original's.
 */
public final class StateActionRoute {
  private static final Logger LOG = LoggerFactory.getLogger(StateActionRoute.class);

  /** The original's error code in the {@code {"message","code","data"}} envelope. */
  public static final int ERROR_CODE = 3;

  private final String kind;
  private final Supplier<String> nodeId;
  private final LifecycleActions actions;

  /**
   * @param kind what the node is, in messages ({@code pump}, {@code drainer})
   * @param nodeId this node's id (asked per request: it may be known only after the server binds)
   */
  public StateActionRoute(
      final String kind, final Supplier<String> nodeId, final LifecycleActions actions) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.actions = Objects.requireNonNull(actions, "actions");
  }

  /** Applies {@code action} if {@code target} is this node. */
  public HttpReply apply(final String target, final String action) {
    final String self = nodeId.get();
    if (!target.equals(self)) {
      return envelope(
          "invalid nodeID " + target + ", this " + kind + "'s nodeID is " + self, ERROR_CODE);
    }
    try {
      switch (action) {
        case "pause" -> actions.pause();
        case "close" -> actions.close();
        default -> {
          return envelope("invalid action " + action + " (use pause or close)", ERROR_CODE);
        }
      }
    } catch (IllegalStateException e) {
      return envelope(e.getMessage(), ERROR_CODE);
    }
    LOG.info("status API: applied action {} to {}", action, target);
    return envelope("apply action " + action + " success!", 200);
  }

  private static HttpReply envelope(final String message, final int code) {
    return OriginalEnvelope.reply(message, code);
  }
}
