package io.kafkabinlog.tidbsim.tso;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The TSO window in etcd, where PD keeps it: {@code <root>/<cluster id>/timestamp}, 8 bytes
 * big-endian, in Unix nanoseconds (PD saves {@code time.Time.UnixNano()}).
 *
 * <p>Each save is a compare-and-swap on the key's revision, standing in for PD's leader check: a
 * second server writing the same window (two sims on one root) fails loudly instead of letting both
 * hand out the same TSOs.
 */
public final class EtcdTimestampWindowStore implements TimestampWindowStore {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final EtcdCalls etcd;
  private final ByteSequence key;
  private final String keyText;

  /** Revision of the key as this store last read or wrote it; 0 while absent, -1 before load. */
  private long revision = -1;

  /** The value of a save whose answer never came (it may have landed), else null. */
  private byte[] unconfirmed;

  /**
   * @param client etcd client owned by the caller
   * @param key the window's key, e.g. {@link PdKeys#timestamp(long)}
   * @param timeout bound of every etcd call
   */
  public EtcdTimestampWindowStore(final Client client, final String key, final Duration timeout) {
    this.etcd = new EtcdCalls(client, timeout);
    this.keyText = Objects.requireNonNull(key, "key");
    this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
  }

  /** The window of one cluster under PD's layout. */
  public static EtcdTimestampWindowStore forCluster(
      final Client client, final PdKeys keys, final long clusterId, final Duration timeout) {
    return new EtcdTimestampWindowStore(client, keys.timestamp(clusterId), timeout);
  }

  @Override
  public synchronized long load() {
    final GetResponse response = etcd.await(etcd.kv().get(key), "read " + keyText);
    if (response.getKvs().isEmpty()) {
      revision = 0;
      return 0;
    }
    final KeyValue entry = response.getKvs().get(0);
    revision = entry.getModRevision();
    return decode(entry.getValue().getBytes());
  }

  @Override
  public synchronized void save(final long windowEndMillis) {
    if (revision < 0) {
      load();
    }
    final byte[] value =
        ByteBuffer.allocate(Long.BYTES)
            .putLong(Math.multiplyExact(windowEndMillis, NANOS_PER_MILLI))
            .array();
    final byte[] earlier = unconfirmed;
    for (int attempt = 0; attempt < 2; attempt++) {
      final Cmp unchanged =
          revision == 0
              ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
              : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision));
      unconfirmed = value;
      final TxnResponse txn =
          etcd.await(
              etcd.kv()
                  .txn()
                  .If(unchanged)
                  .Then(Op.put(key, ByteSequence.from(value), PutOption.DEFAULT))
                  .Else(Op.get(key, GetOption.DEFAULT))
                  .commit(),
              "save the TSO window to " + keyText);
      unconfirmed = null;
      if (txn.isSucceeded()) {
        revision = txn.getPutResponses().get(0).getHeader().getRevision();
        return;
      }
      final List<KeyValue> current = txn.getGetResponses().get(0).getKvs();
      if (attempt > 0
          || earlier == null
          || current.isEmpty()
          || !Arrays.equals(current.get(0).getValue().getBytes(), earlier)) {
        break;
      }
      // An earlier save landed although its answer was lost: adopt it and compare again.
      revision = current.get(0).getModRevision();
    }
    throw new FatalBinlogException(
        ErrorCode.REGISTRY_CONFLICT,
        "the TSO window at "
            + keyText
            + " was changed by someone else: another PD (or tidb-sim) serves this cluster from"
            + " the same etcd root; give each sim its own PD root or stop the other one");
  }

  private long decode(final byte[] value) {
    if (value.length != Long.BYTES) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "the TSO window at " + keyText + " is " + value.length + " bytes, not 8");
    }
    return ByteBuffer.wrap(value).getLong() / NANOS_PER_MILLI;
  }
}
