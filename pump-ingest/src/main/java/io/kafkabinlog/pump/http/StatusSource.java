package io.kafkabinlog.pump.http;

import io.kafkabinlog.common.registry.NodeStatus;
import java.util.List;

/**
 * What the status API shows. Called on an HTTP thread for each request; a method that cannot answer
 * (etcd or PD unreachable) throws, and {@code GET /status} reports the error in {@code ErrMsg} as
 * the original does.
 */
public interface StatusSource {
  /** This pump's node id. */
  String nodeId();

  /** Every pump in the registry, this one included. */
  List<NodeStatus> pumps();

  /** Every drainer in the registry. */
  List<NodeStatus> drainers();

  /** A fresh TSO from PD ({@code CommitTS} of {@code /status}). */
  long freshTso();

  /** Our own details of this pump, shown under {@code "pump"}. */
  PumpStatusDetails details();
}
