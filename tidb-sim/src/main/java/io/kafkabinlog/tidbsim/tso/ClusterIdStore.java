package io.kafkabinlog.tidbsim.tso;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The cluster id where PD keeps it, {@code <root>/cluster_id} (8 bytes big-endian), created once:
 * the first server to start writes it in one etcd transaction, every later one reads it back (PD's
 * {@code InitOrGetClusterID}).
 */
public final class ClusterIdStore {
  private final EtcdCalls etcd;
  private final String keyText;
  private final ByteSequence key;

  /**
   * @param client etcd client owned by the caller
   * @param keys where PD's keys live
   * @param timeout bound of every etcd call
   */
  public ClusterIdStore(final Client client, final PdKeys keys, final Duration timeout) {
    this.etcd = new EtcdCalls(client, timeout);
    this.keyText = keys.clusterId();
    this.key = ByteSequence.from(keyText, StandardCharsets.UTF_8);
  }

  /**
   * The stored cluster id, creating it first if absent.
   *
   * @param wanted the id to create, or 0 for a random one as PD makes them (Unix seconds in the
   *     high 32 bits, random low bits)
   * @throws FatalBinlogException {@code CLUSTER_ID_MISMATCH} if another id is stored than the
   *     wanted one
   */
  public long getOrCreate(final long wanted) {
    final long candidate = wanted != 0 ? wanted : randomId();
    final TxnResponse txn =
        etcd.await(
            etcd.kv()
                .txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, ByteSequence.from(encode(candidate)), PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(),
            "create or read the cluster id at " + keyText);
    if (txn.isSucceeded()) {
      return candidate;
    }
    final List<KeyValue> stored = txn.getGetResponses().get(0).getKvs();
    if (stored.isEmpty()) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "the cluster id at " + keyText + " vanished during its creation");
    }
    final byte[] value = stored.get(0).getValue().getBytes();
    if (value.length != Long.BYTES) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "the cluster id at " + keyText + " is " + value.length + " bytes, not 8");
    }
    final long existing = ByteBuffer.wrap(value).getLong();
    if (wanted != 0 && existing != wanted) {
      throw new FatalBinlogException(
          ErrorCode.CLUSTER_ID_MISMATCH,
          "etcd already holds cluster id "
              + Long.toUnsignedString(existing)
              + " at "
              + keyText
              + ", not the configured "
              + Long.toUnsignedString(wanted)
              + "; configure that id, leave it unset, or use another PD root");
    }
    return existing;
  }

  private static byte[] encode(final long id) {
    return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
  }

  private static long randomId() {
    final long seconds = Instant.now().getEpochSecond();
    final long low = Integer.toUnsignedLong(new SecureRandom().nextInt());
    return (seconds << 32) + low;
  }
}
