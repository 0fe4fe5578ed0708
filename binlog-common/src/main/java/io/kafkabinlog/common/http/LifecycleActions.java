package io.kafkabinlog.common.http;

/**
 * The operator actions of {@code PUT /state/<nodeID>/<action>}. Called on an HTTP thread: each
 * starts its transition and returns at once (the node finishes it in the background).
 */
public interface LifecycleActions {
  /**
   * Begins pausing.
   *
   * @throws IllegalStateException with the reason (for example the node is not online); the reply
   *     carries the message with code 3
   */
  void pause();

  /**
   * Begins closing (going offline for good).
   *
   * @throws IllegalStateException with the reason; the reply carries the message with code 3
   */
  void close();
}
