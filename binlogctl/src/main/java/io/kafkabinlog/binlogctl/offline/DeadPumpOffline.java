package io.kafkabinlog.binlogctl.offline;

import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeLiveness;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.pump.membership.PartitionBinding;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code offline-pump} of a pump that holds no liveness key (killed, crashed, or paused and gone):
 * what its own close would have done for the merge (architecture.md section 3, invariant 5), so it
 * stops holding the resolved ts back.
 *
 * <ol>
 *   <li>Fence: take the pump's liveness key exclusively for the duration (a restart of the pump, or
 *       a second binlogctl, waits or is refused meanwhile), and check in Kafka that nobody writes
 *       its raw partition or control records ({@link PumpQuietCheck}).
 *   <li>L = a fresh TSO; the final fake binlog {@code start_ts = commit_ts = L} into its raw
 *       partition, then LEAVE(L, its offset) to the control topic.
 *   <li>{@code offline} in the registry, then the key is released.
 * </ol>
 *
 * Pending prewrites of the pump are not resolved here: the ordering stream's resolver settles every
 * prewrite older than {@code resolve-after} whether its pump lives or not, and stage 2 drops the
 * member only once its M_p (held below those prewrites until then) reaches L. A pump that never
 * bound a raw partition never joined the merge; only its state is set. Running it twice is safe: a
 * second LEAVE moves L up, a LEAVE of a pump that already left is ignored by the merge.
 */
public final class DeadPumpOffline {
  private static final Logger LOG = LoggerFactory.getLogger(DeadPumpOffline.class);
  private static final Duration FENCE_TTL = Duration.ofSeconds(10);

  /** What was done. */
  public sealed interface Outcome permits Left, NeverJoined {}

  /**
   * LEAVE written on the pump's behalf.
   *
   * @param partition its raw partition
   * @param leaveTs L
   * @param rawOffset the final fake binlog's offset in the raw partition
   * @param controlOffset the LEAVE's offset in the control topic
   */
  public record Left(String nodeId, int partition, long leaveTs, long rawOffset, long controlOffset)
      implements Outcome {}

  /** The pump had no raw partition, so it never joined the merge: only its state was set. */
  public record NeverJoined(String nodeId) implements Outcome {}

  /**
   * How to reach the pumps' topics.
   *
   * @param kafka brokers, topic prefix and client properties
   * @param timeout bound of each Kafka call
   * @param quietWindow see {@link PumpQuietCheck}
   */
  public record KafkaAccess(KafkaSettings kafka, Duration timeout, Duration quietWindow) {
    public KafkaAccess {
      Objects.requireNonNull(kafka, "kafka");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(quietWindow, "quietWindow");
    }
  }

  private final NodeRegistry registry;
  private final RegistryKeys keys;
  private final PartitionBinding binding;
  private final TimestampOracle tso;
  private final KafkaAccess access;

  public DeadPumpOffline(
      final NodeRegistry registry,
      final RegistryKeys keys,
      final PartitionBinding binding,
      final TimestampOracle tso,
      final KafkaAccess access) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.binding = Objects.requireNonNull(binding, "binding");
    this.tso = Objects.requireNonNull(tso, "tso");
    this.access = Objects.requireNonNull(access, "access");
  }

  /**
   * @throws FatalBinlogException {@code REGISTRY_CONFLICT} if the pump is not registered, is alive
   *     (or comes alive), or still writes to Kafka; {@code CONFIG_INVALID} if its topics are not
   *     where the flags say
   * @throws io.kafkabinlog.common.error.RetriableBinlogException if etcd, PD or Kafka did not
   *     answer
   */
  public Outcome run(final String nodeId) {
    final RegisteredNode node =
        registry
            .get(NodeKind.PUMP, nodeId)
            .orElseThrow(
                () ->
                    new FatalBinlogException(
                        ErrorCode.REGISTRY_CONFLICT,
                        "pump "
                            + nodeId
                            + " is not registered (no key "
                            + keys.node(NodeKind.PUMP, nodeId)
                            + ")"));
    if (node.live()) {
      throw new FatalBinlogException(
          ErrorCode.REGISTRY_CONFLICT,
          "pump " + nodeId + " is alive; ask it to close (PUT /state/" + nodeId + "/close)");
    }
    final NodeLiveness fence = fence(nodeId);
    try {
      return takeOffline(nodeId);
    } finally {
      fence.close();
    }
  }

  /** Runs while the fence (the pump's liveness key) is held. */
  private Outcome takeOffline(final String nodeId) {
    final Optional<Integer> partition = binding.partitionOf(nodeId);
    if (partition.isEmpty()) {
      LOG.info("pump {} never bound a raw partition, so it never joined the merge", nodeId);
      setOffline(nodeId, 0);
      return new NeverJoined(nodeId);
    }
    final int p = partition.get();
    final long clusterId = tso.clusterId();
    final TopicNames names =
        new TopicNames(access.kafka().topicPrefix(), Long.toUnsignedString(clusterId));
    try (PumpStandIn standIn =
        new PumpStandIn(access.kafka(), names, access.timeout(), access.quietWindow())) {
      standIn.checkTopics(p);
      LOG.info(
          "pump {}: checking that {} and its records on {} stay quiet for {}",
          nodeId,
          standIn.rawPartition(p),
          standIn.controlPartition(),
          access.quietWindow());
      standIn.verifyQuiet(nodeId, p);
      final long finalTs = tso.getTimestamp();
      final RawPosition fake = standIn.writeFinalFake(p, finalTs);
      final long controlOffset = standIn.writeLeave(nodeId, p, finalTs, fake.offset(), tso);
      setOffline(nodeId, finalTs);
      return new Left(nodeId, p, finalTs, fake.offset(), controlOffset);
    }
  }

  private NodeLiveness fence(final String nodeId) {
    try {
      return registry.holdLivenessExclusively(NodeKind.PUMP, nodeId, FENCE_TTL, Duration.ZERO);
    } catch (FatalBinlogException e) {
      if (e.code() != ErrorCode.REGISTRY_CONFLICT) {
        throw e;
      }
      throw new FatalBinlogException(
          ErrorCode.REGISTRY_CONFLICT,
          "pump "
              + nodeId
              + " came alive (or another binlogctl is taking it offline): its liveness key "
              + keys.alive(NodeKind.PUMP, nodeId)
              + " is held; run offline-pump again to ask it over HTTP",
          e);
    }
  }

  private void setOffline(final String nodeId, final long updateTs) {
    registry.update(
        NodeKind.PUMP,
        nodeId,
        current ->
            current
                .withState(NodeState.OFFLINE)
                .withHeartbeat(
                    current.maxCommitTs(), updateTs == 0 ? current.updateTs() : updateTs));
  }
}
