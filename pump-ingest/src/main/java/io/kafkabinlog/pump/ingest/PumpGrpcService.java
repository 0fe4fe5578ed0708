package io.kafkabinlog.pump.ingest;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.metrics.PumpMetrics.ErrorType;
import io.kafkabinlog.pump.state.PumpState;
import io.kafkabinlog.schemas.binlog.MalformedBinlogException;
import io.kafkabinlog.schemas.proto.binlog.PullBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.PullBinlogResp;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code binlog.Pump}: TiDB's {@code WriteBinlog}, stored in the pump's raw-topic partition.
 *
 * <p>WriteBinlog, in the original's order: a cluster id mismatch is refused ({@code cluster ID are
 * mismatch, <request's> vs <pump's>}, checked before anything else so that old clients probing with
 * a fake id get the text they look for); an empty payload is a health probe and succeeds without
 * storing anything; the payload is validated ({@link BinlogValidator}); a Prewrite is refused
 * unless the pump is online ({@code no online: <phase>}), while Commit and Rollback are accepted in
 * every phase; the binlog is appended and the reply is sent only when Kafka acknowledged it.
 * Waiting for Kafka does not hold the gRPC thread: the reply is sent from the append's completion.
 *
 * <p>Errors. The original returns both a response with {@code errmsg} and a Go error; grpc-go then
 * drops the response and sends only the status (code Unknown, description = the text), and TiDB's
 * pump client checks the call error before {@code errmsg}. So on the wire an error is a status
 * only, and gRPC (Java or Go) cannot carry a response message with a non-OK status either. This
 * service therefore answers every error with a status whose description is the original text, and a
 * code that says what happened: INVALID_ARGUMENT (cluster id, malformed payload),
 * FAILED_PRECONDITION (not online), UNAVAILABLE (Kafka did not acknowledge; TiDB's client resets
 * the connection and tries the next pump). A successful reply has an empty {@code errmsg}. Clients
 * that read {@code errmsg} (the original's {@code writeFakeBinlog}, tidb-sim's client) treat the
 * status as the failure it is.
 *
 * <p>{@code PullBinlogs} is not served: drainers read Kafka, through the ordering stream.
 */
public final class PumpGrpcService extends PumpGrpc.PumpImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(PumpGrpcService.class);
  private static final long WARN_INTERVAL_NANOS = 1_000_000_000L;

  private final long clusterId;
  private final PumpState state;
  private final RawLog rawLog;
  private final BinlogValidator validator;
  private final PumpMetrics metrics;
  private final String rawTopic;
  private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
  private final AtomicLong suppressedWarnings = new AtomicLong();

  public PumpGrpcService(
      final long clusterId,
      final PumpState state,
      final RawLog rawLog,
      final BinlogValidator validator,
      final PumpMetrics metrics,
      final String rawTopic) {
    this.clusterId = clusterId;
    this.state = Objects.requireNonNull(state, "state");
    this.rawLog = Objects.requireNonNull(rawLog, "rawLog");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.rawTopic = Objects.requireNonNull(rawTopic, "rawTopic");
  }

  @Override
  public void writeBinlog(
      final WriteBinlogReq request, final StreamObserver<WriteBinlogResp> responses) {
    final long started = System.nanoTime();
    if (request.getClusterID() != clusterId) {
      fail(
          responses,
          started,
          ErrorType.CLUSTER_ID,
          Status.INVALID_ARGUMENT,
          "cluster ID are mismatch, "
              + Long.toUnsignedString(request.getClusterID())
              + " vs "
              + Long.toUnsignedString(clusterId));
      return;
    }
    final ByteString payload = request.getPayload();
    if (payload.isEmpty()) {
      succeed(responses, started);
      return;
    }
    final BinlogHeader header;
    try {
      header = validator.validate(payload);
    } catch (MalformedBinlogException e) {
      warn("refused a malformed binlog: " + e.getMessage());
      fail(responses, started, ErrorType.MALFORMED, Status.INVALID_ARGUMENT, e.getMessage());
      return;
    }
    if (header.isPrewrite() && !state.acceptsPrewrites()) {
      fail(
          responses,
          started,
          ErrorType.NOT_ONLINE,
          Status.FAILED_PRECONDITION,
          "no online: " + state.phase().wireName());
      return;
    }
    CompletableFuture<RawPosition> appended;
    try {
      appended = rawLog.append(header, payload);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    appended.whenComplete(
        (position, error) -> {
          if (error == null) {
            succeed(responses, started);
          } else {
            final Throwable cause = Causes.unwrap(error);
            if (cause instanceof BinlogException refused
                && refused.code() == ErrorCode.SHUTTING_DOWN) {
              // The partition is sealed for the final watermark: like a prewrite to a pump
              // that is not online, TiDB retries elsewhere or later.
              fail(
                  responses,
                  started,
                  ErrorType.NOT_ONLINE,
                  Status.FAILED_PRECONDITION,
                  String.valueOf(cause.getMessage()));
              return;
            }
            warn("binlog of start_ts " + header.startTs() + " not stored: " + cause);
            fail(
                responses,
                started,
                ErrorType.KAFKA,
                Status.UNAVAILABLE.withCause(cause),
                String.valueOf(cause.getMessage()));
          }
        });
  }

  @Override
  public void pullBinlogs(
      final PullBinlogReq request, final StreamObserver<PullBinlogResp> responses) {
    metrics.rpc("PullBinlogs", false, 0);
    responses.onError(
        Status.UNIMPLEMENTED
            .withDescription(
                "PullBinlogs is not served: binlogs are in Kafka topic "
                    + rawTopic
                    + "; read them through the ordering stream's txn/rows topics")
            .asRuntimeException());
  }

  private void succeed(final StreamObserver<WriteBinlogResp> responses, final long started) {
    metrics.rpc("WriteBinlog", true, System.nanoTime() - started);
    try {
      responses.onNext(WriteBinlogResp.getDefaultInstance());
      responses.onCompleted();
    } catch (RuntimeException e) {
      // The call was cancelled meanwhile (client timeout); the binlog is stored all the same.
      LOG.debug("could not reply to WriteBinlog", e);
    }
  }

  private void fail(
      final StreamObserver<WriteBinlogResp> responses,
      final long started,
      final ErrorType type,
      final Status status,
      final String message) {
    metrics.error(type);
    metrics.rpc("WriteBinlog", false, System.nanoTime() - started);
    try {
      responses.onError(status.withDescription(message).asRuntimeException());
    } catch (RuntimeException e) {
      LOG.debug("could not reply to WriteBinlog", e);
    }
  }

  /** WARN at most once a second, counting what was left out, so bad clients cannot flood logs. */
  private void warn(final String what) {
    final long now = System.nanoTime();
    final long last = lastWarnNanos.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarnNanos.compareAndSet(last, now)) {
      final long suppressed = suppressedWarnings.getAndSet(0);
      if (suppressed > 0) {
        LOG.warn("{} ({} similar warnings suppressed)", what, suppressed);
      } else {
        LOG.warn("{}", what);
      }
    } else {
      suppressedWarnings.incrementAndGet();
    }
  }
}
