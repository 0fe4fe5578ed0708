package io.kafkabinlog.pump.membership;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.etcd.EtcdFutures;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw-topic partition of each pump, bound to its node id in etcd on first start and kept across
 * restarts; no two node ids are ever bound to one partition. Two keys, written together in one
 * transaction that succeeds only if neither exists:
 *
 * <ul>
 *   <li>{@code <root>/v1/kafka/raw-partition/by-node/<nodeId>} -> partition number
 *   <li>{@code <root>/v1/kafka/raw-partition/by-partition/<p>} -> node id
 * </ul>
 *
 * They live outside {@code <root>/v1/pumps}, which TiDB parses as node JSON. A binding says which
 * partition a node id writes; that only one process writes it is the exclusive liveness key's job.
 */
public final class PartitionBinding {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionBinding.class);
  private static final int EXTRA_ATTEMPTS = 10;

  private final Client client;
  private final String byNodePrefix;
  private final String byPartitionPrefix;
  private final Duration timeout;

  public PartitionBinding(final Client client, final RegistryKeys keys, final Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    final String prefix = keys.kafkaPrefix() + "raw-partition/";
    this.byNodePrefix = prefix + "by-node/";
    this.byPartitionPrefix = prefix + "by-partition/";
  }

  public String byNodeKey(final String nodeId) {
    return byNodePrefix + nodeId;
  }

  public String byPartitionKey(final int partition) {
    return byPartitionPrefix + partition;
  }

  /**
   * The partition bound to {@code nodeId}, binding the lowest free one on first start.
   *
   * @param partitionCount partitions of the raw topic
   * @throws FatalBinlogException {@code CONFIG_INVALID} if every partition is bound to another
   *     pump, or the node's partition is beyond the topic; {@code REGISTRY_CONFLICT} if the two
   *     keys disagree
   * @throws RetriableBinlogException if etcd is unavailable or the binding kept racing
   */
  public int bind(final String nodeId, final int partitionCount) {
    if (nodeId.isBlank() || nodeId.contains("/")) {
      throw new IllegalArgumentException("node id must be non-blank and without '/': " + nodeId);
    }
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partition count must be positive: " + partitionCount);
    }
    final KV kv = client.getKVClient();
    final ByteSequence nodeKey = bytes(byNodeKey(nodeId));
    // Each failed claim means another pump took a partition meanwhile: at most partitionCount.
    for (int attempt = 0; attempt < partitionCount + EXTRA_ATTEMPTS; attempt++) {
      final GetResponse existing = await(kv.get(nodeKey), "read " + nodeKey);
      if (!existing.getKvs().isEmpty()) {
        return existingBinding(nodeId, existing.getKvs().get(0), partitionCount);
      }
      final Map<Integer, String> bound = bindings();
      int free = -1;
      for (int p = 0; p < partitionCount; p++) {
        if (!bound.containsKey(p)) {
          free = p;
          break;
        }
      }
      if (free < 0) {
        throw full(partitionCount, bound);
      }
      final ByteSequence partitionKey = bytes(byPartitionKey(free));
      final TxnResponse claimed =
          await(
              kv.txn()
                  .If(
                      new Cmp(nodeKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)),
                      new Cmp(partitionKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                  .Then(
                      Op.put(nodeKey, bytes(Integer.toString(free)), PutOption.DEFAULT),
                      Op.put(partitionKey, bytes(nodeId), PutOption.DEFAULT))
                  .commit(),
              "bind raw partition " + free + " to " + nodeId);
      if (claimed.isSucceeded()) {
        LOG.info("pump {} bound to raw partition {} ({})", nodeId, free, nodeKey);
        return free;
      }
      LOG.debug("raw partition {} was taken concurrently; retrying for {}", free, nodeId);
    }
    throw new RetriableBinlogException(
        ErrorCode.REGISTRY_CONFLICT,
        "could not bind a raw partition to pump "
            + nodeId
            + ": the bindings under "
            + byPartitionPrefix
            + " kept changing");
  }

  /**
   * The partition bound to {@code nodeId}, without binding one: empty if the pump never bound a
   * partition (so it never joined the merge). For tools acting on a pump's behalf.
   *
   * @throws FatalBinlogException {@code MALFORMED_INPUT} if the by-node key is not a number; {@code
   *     REGISTRY_CONFLICT} if the by-partition key names another pump or is missing
   */
  public Optional<Integer> partitionOf(final String nodeId) {
    final ByteSequence nodeKey = bytes(byNodeKey(nodeId));
    final GetResponse existing = await(client.getKVClient().get(nodeKey), "read " + nodeKey);
    if (existing.getKvs().isEmpty()) {
      return Optional.empty();
    }
    final int partition = boundPartition(nodeId, existing.getKvs().get(0));
    final String owner = bindings().get(partition);
    if (!nodeId.equals(owner)) {
      throw new FatalBinlogException(
          ErrorCode.REGISTRY_CONFLICT,
          "raw-partition bindings disagree: "
              + byNodeKey(nodeId)
              + " says partition "
              + partition
              + ", but "
              + byPartitionKey(partition)
              + (owner == null ? " is missing" : " says pump " + owner)
              + "; fix them in etcd first");
    }
    return Optional.of(partition);
  }

  /** Every binding, partition -> node id, from the by-partition keys. */
  public Map<Integer, String> bindings() {
    final GetResponse response =
        await(
            client
                .getKVClient()
                .get(bytes(byPartitionPrefix), GetOption.builder().isPrefix(true).build()),
            "list " + byPartitionPrefix);
    final Map<Integer, String> bound = new TreeMap<>();
    for (final KeyValue entry : response.getKvs()) {
      final String suffix = text(entry.getKey()).substring(byPartitionPrefix.length());
      try {
        bound.put(Integer.parseInt(suffix), text(entry.getValue()));
      } catch (NumberFormatException e) {
        LOG.warn("ignoring a key that is not a partition binding: {}", text(entry.getKey()));
      }
    }
    return bound;
  }

  /** The partition number a by-node key holds. */
  private int boundPartition(final String nodeId, final KeyValue byNode) {
    final String value = text(byNode.getValue());
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "raw-partition binding " + byNodeKey(nodeId) + " is not a partition number: " + value,
          e);
    }
  }

  private int existingBinding(final String nodeId, final KeyValue entry, final int partitionCount) {
    final int partition = boundPartition(nodeId, entry);
    if (partition < 0 || partition >= partitionCount) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "pump "
              + nodeId
              + " is bound to raw partition "
              + partition
              + " ("
              + byNodeKey(nodeId)
              + "), but the raw topic has "
              + partitionCount
              + " partitions; did the topic shrink or get recreated with fewer partitions? Recreate"
              + " it with at least "
              + (partition + 1)
              + " partitions ([kafka] raw-partitions)");
    }
    final ByteSequence partitionKey = bytes(byPartitionKey(partition));
    final GetResponse reverse =
        await(client.getKVClient().get(partitionKey), "read " + partitionKey);
    if (reverse.getKvs().isEmpty()) {
      // Half a binding (someone deleted one key): restore it only if nobody else took p.
      final TxnResponse repaired =
          await(
              client
                  .getKVClient()
                  .txn()
                  .If(
                      new Cmp(partitionKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)),
                      new Cmp(
                          bytes(byNodeKey(nodeId)),
                          Cmp.Op.EQUAL,
                          CmpTarget.modRevision(entry.getModRevision())))
                  .Then(Op.put(partitionKey, bytes(nodeId), PutOption.DEFAULT))
                  .commit(),
              "restore " + partitionKey);
      if (!repaired.isSucceeded()) {
        throw new RetriableBinlogException(
            ErrorCode.REGISTRY_CONFLICT,
            "raw-partition binding of pump " + nodeId + " changed while it was being restored");
      }
      LOG.warn("restored the missing key {} of pump {}'s binding", partitionKey, nodeId);
    } else if (!text(reverse.getKvs().get(0).getValue()).equals(nodeId)) {
      throw new FatalBinlogException(
          ErrorCode.REGISTRY_CONFLICT,
          "raw-partition bindings disagree: "
              + byNodeKey(nodeId)
              + " says partition "
              + partition
              + ", but "
              + byPartitionKey(partition)
              + " says pump "
              + text(reverse.getKvs().get(0).getValue())
              + "; fix them in etcd before starting this pump");
    }
    LOG.info("pump {} keeps raw partition {}", nodeId, partition);
    return partition;
  }

  private FatalBinlogException full(final int partitionCount, final Map<Integer, String> bound) {
    final String owners =
        bound.entrySet().stream()
            .filter(e -> e.getKey() < partitionCount)
            .map(e -> e.getKey() + " -> " + e.getValue())
            .collect(Collectors.joining(", "));
    return new FatalBinlogException(
        ErrorCode.CONFIG_INVALID,
        "all "
            + partitionCount
            + " partitions of the raw topic are bound to pumps ("
            + owners
            + "); raise [kafka] raw-partitions (takes effect for a new raw topic), or free the"
            + " binding of a pump that is offline for good (a later binlogctl command will do"
            + " this; for now: etcdctl del "
            + byNodePrefix
            + "<nodeId> and etcdctl del "
            + byPartitionPrefix
            + "<partition>)");
  }

  private <T> T await(final CompletableFuture<T> future, final String what) {
    return EtcdFutures.await(future, timeout, "etcd", what, "pd-urls");
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static String text(final ByteSequence bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
