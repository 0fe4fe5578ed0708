package io.kafkabinlog.tidbsim.pumpclient;

import io.grpc.Status;

/**
 * One failed {@code WriteBinlog} call: a gRPC error, or a reply whose {@code errmsg} is not empty
 * (TiDB treats both as failure).
 */
final class PumpCallException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The gRPC status code, or {@code null} when the pump replied with an {@code errmsg}. */
  private final Status.Code code;

  private PumpCallException(final String message, final Status.Code code, final Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  static PumpCallException fromGrpc(final KnownPump pump, final Throwable error) {
    final Status status = Status.fromThrowable(error);
    return new PumpCallException(
        where(pump)
            + ": rpc error: code = "
            + status.getCode()
            + " desc = "
            + status.getDescription(),
        status.getCode(),
        error);
  }

  static PumpCallException fromErrmsg(final KnownPump pump, final String errmsg) {
    return new PumpCallException(where(pump) + ": " + errmsg, null, null);
  }

  static PumpCallException closed(final KnownPump pump) {
    return new PumpCallException(where(pump) + ": the pump client is closed", null, null);
  }

  /** A failure that is not a pump's answer (a bug or a broken channel): counted like one. */
  static PumpCallException unexpected(final Throwable error) {
    return new PumpCallException("unexpected failure of a pump call: " + error, null, error);
  }

  private static String where(final KnownPump pump) {
    return "pump " + pump.nodeId() + " at " + pump.status().host();
  }

  /** The gRPC status code, or {@code null} for an {@code errmsg} reply. */
  Status.Code code() {
    return code;
  }

  /**
   * TiDB's test is {@code strings.Contains(err.Error(), "ResourceExhausted")}: the message was too
   * large for the pump, or the pump ran out of a resource. Retrying elsewhere does not help.
   */
  boolean isResourceExhausted() {
    return code == Status.Code.RESOURCE_EXHAUSTED || getMessage().contains("ResourceExhausted");
  }

  /** gRPC {@code Unavailable}: the connection is broken; TiDB drops it before the next try. */
  boolean isUnavailable() {
    return code == Status.Code.UNAVAILABLE;
  }
}
