package io.kafkabinlog.pump.membership;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.BoundedWait;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.Outage;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This pump's records on the single-partition control topic (architecture section 3): JOIN(J)
 * before going online, a heartbeat with a fresh TSO about every 100 ms (the merge never resolves
 * beyond the newest heartbeat it has read), and LEAVE(L, raw offset of the final fake binlog).
 *
 * <p>Owns its producer (idempotent, {@code acks=all}; the caller configures it) and closes it. TSO
 * and send are issued under one lock, so this pump's records land in TSO order, and nothing of it
 * follows its LEAVE.
 */
public final class ControlTopic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlTopic.class);
  private static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);

  /** The control topic has one partition; writing it explicitly keeps that so if it grew. */
  private static final int PARTITION = 0;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String nodeId;
  private final byte[] key;
  private final int rawPartition;
  private final TimestampOracle tso;
  private final PumpMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final Duration ackTimeout;

  private final Object sendLock = new Object();
  private ScheduledFuture<?> heartbeats;
  // Touched by the producer's I/O thread in callbacks, which must never wait for sendLock: a
  // send() holding it may be blocked on metadata that only that thread fetches.
  private final AtomicBoolean heartbeatInFlight = new AtomicBoolean();
  private final Outage kafkaOutage = new Outage();
  private final Outage tsoOutage = new Outage();
  private boolean left;

  public ControlTopic(
      final Producer<byte[], byte[]> producer,
      final String topic,
      final String nodeId,
      final int rawPartition,
      final TimestampOracle tso,
      final PumpMetrics metrics,
      final ScheduledExecutorService scheduler) {
    this(producer, topic, nodeId, rawPartition, tso, metrics, scheduler, DEFAULT_ACK_TIMEOUT);
  }

  /**
   * @param ackTimeout bound of the blocking JOIN and LEAVE writes ({@code [kafka] produce-timeout})
   */
  public ControlTopic(
      final Producer<byte[], byte[]> producer,
      final String topic,
      final String nodeId,
      final int rawPartition,
      final TimestampOracle tso,
      final PumpMetrics metrics,
      final ScheduledExecutorService scheduler,
      final Duration ackTimeout) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.key = nodeId.getBytes(StandardCharsets.UTF_8);
    this.rawPartition = rawPartition;
    this.tso = Objects.requireNonNull(tso, "tso");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
  }

  /**
   * Writes JOIN with a fresh TSO J and waits for its acknowledgement; the pump may go online only
   * after this returns.
   *
   * @return J
   * @throws RetriableBinlogException if the TSO or the control topic is unavailable
   */
  public long join() {
    final long joinTs;
    final Future<RecordMetadata> sent;
    synchronized (sendLock) {
      if (left) {
        throw new IllegalStateException("pump " + nodeId + " already left the control topic");
      }
      joinTs = tso.getTimestamp();
      sent = send(PumpControl.Kind.JOIN, joinTs, -1);
    }
    final RecordMetadata metadata = awaitAck(sent, "JOIN(" + joinTs + ")");
    LOG.info(
        "pump {} joined the merge on {} at offset {} with J={} (raw partition {})",
        nodeId,
        topic,
        metadata.offset(),
        joinTs,
        rawPartition);
    return joinTs;
  }

  /**
   * Writes a heartbeat with a fresh TSO every {@code every}; a beat is skipped, not queued, while
   * the previous one is still unacknowledged.
   */
  public void startHeartbeats(final Duration every) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("control heartbeat interval must be positive: " + every);
    }
    synchronized (sendLock) {
      if (left) {
        throw new IllegalStateException("pump " + nodeId + " already left the control topic");
      }
      if (heartbeats != null) {
        throw new IllegalStateException("control heartbeats already started");
      }
      heartbeats =
          scheduler.scheduleAtFixedRate(this::beat, 0, every.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void beat() {
    try {
      synchronized (sendLock) {
        if (left || heartbeatInFlight.get()) {
          return;
        }
        final long ts;
        try {
          ts = tso.getTimestamp();
        } catch (BinlogException e) {
          if (tsoOutage.failed()) {
            LOG.warn(
                "no TSO for a control heartbeat of pump {}; the merge waits until the timestamp"
                    + " oracle answers again: {}",
                nodeId,
                e.getMessage());
          }
          return;
        }
        if (tsoOutage.succeeded()) {
          LOG.info("timestamp oracle answers again; control heartbeats of {} resume", nodeId);
        }
        heartbeatInFlight.set(true);
        producer.send(
            record(PumpControl.Kind.HEARTBEAT, ts, -1),
            (metadata, error) -> heartbeatAcked(ts, error));
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; heartbeats must keep going.
      heartbeatInFlight.set(false);
      LOG.warn("control heartbeat of pump {} to {} failed: {}", nodeId, topic, e.toString());
    }
  }

  private void heartbeatAcked(final long ts, final Exception error) {
    heartbeatInFlight.set(false);
    if (error == null) {
      metrics.controlHeartbeat();
      if (kafkaOutage.succeeded()) {
        LOG.info("control heartbeats of pump {} are acknowledged again by {}", nodeId, topic);
      }
    } else if (kafkaOutage.failed()) {
      LOG.warn(
          "control heartbeat {} of pump {} was not acknowledged by {}; the merge holds the"
              + " resolved ts until one is: {}",
          ts,
          nodeId,
          topic,
          error.toString());
    }
  }

  /**
   * Stops the heartbeats, then writes LEAVE(L) and waits for its acknowledgement.
   *
   * @param finalTs L, the TSO of this pump's final fake binlog
   * @param rawOffset offset of that fake binlog in the pump's raw partition
   * @return the offset of the LEAVE record in the control topic
   * @throws RetriableBinlogException if the control topic is unavailable (LEAVE may be retried)
   */
  public long leave(final long finalTs, final long rawOffset) {
    final Future<RecordMetadata> sent;
    synchronized (sendLock) {
      stopHeartbeats();
      left = true;
      sent = send(PumpControl.Kind.LEAVE, finalTs, rawOffset);
    }
    final RecordMetadata metadata =
        awaitAck(sent, "LEAVE(" + finalTs + ", raw offset " + rawOffset + ")");
    LOG.info(
        "pump {} left the merge on {} at offset {} with L={} (raw partition {} offset {})",
        nodeId,
        topic,
        metadata.offset(),
        finalTs,
        rawPartition,
        rawOffset);
    return metadata.offset();
  }

  /** Stops the heartbeats and closes the producer (bounded by the ack timeout). */
  @Override
  public void close() {
    synchronized (sendLock) {
      stopHeartbeats();
    }
    producer.close(ackTimeout);
  }

  private void stopHeartbeats() {
    if (heartbeats != null) {
      heartbeats.cancel(false);
      heartbeats = null;
    }
  }

  private Future<RecordMetadata> send(
      final PumpControl.Kind kind, final long ts, final long rawOffset) {
    try {
      return producer.send(record(kind, ts, rawOffset));
    } catch (RuntimeException e) {
      throw unavailable(kind.name() + "(" + ts + ")", e);
    }
  }

  private ProducerRecord<byte[], byte[]> record(
      final PumpControl.Kind kind, final long ts, final long rawOffset) {
    final PumpControl value =
        PumpControl.newBuilder()
            .setKind(kind)
            .setNodeId(nodeId)
            .setPartition(rawPartition)
            .setTs(ts)
            .setRawOffset(rawOffset)
            .build();
    return new ProducerRecord<>(topic, PARTITION, key, value.toByteArray());
  }

  private RecordMetadata awaitAck(final Future<RecordMetadata> sent, final String what) {
    return BoundedWait.await(
        sent,
        ackTimeout,
        ErrorCode.KAFKA_UNAVAILABLE,
        "control topic " + topic,
        "acknowledge " + what + " of pump " + nodeId,
        "the brokers and [kafka] bootstrap-servers");
  }

  private RetriableBinlogException unavailable(final String what, final Throwable cause) {
    return new RetriableBinlogException(
        ErrorCode.KAFKA_UNAVAILABLE,
        "could not write "
            + what
            + " of pump "
            + nodeId
            + " to control topic "
            + topic
            + ": "
            + cause,
        cause);
  }
}
