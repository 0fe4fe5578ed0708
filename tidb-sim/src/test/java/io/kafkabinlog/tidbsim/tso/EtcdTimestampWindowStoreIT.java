package io.kafkabinlog.tidbsim.tso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class EtcdTimestampWindowStoreIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final long CLUSTER_ID = 7_000_000_000_000_000_123L;

  private PdKeys keys;

  @BeforeEach
  void setUp() {
    keys = new PdKeys(ETCD.prefix() + "/pd");
  }

  @Test
  void shouldKeepTheWindowWherePdDoesInNanoseconds() throws Exception {
    final EtcdTimestampWindowStore store =
        EtcdTimestampWindowStore.forCluster(ETCD.client(), keys, CLUSTER_ID, TIMEOUT);
    assertThat(store.load()).isZero();

    store.save(1_714_000_003_000L);
    store.save(1_714_000_006_000L);

    final byte[] raw = raw(ETCD.prefix() + "/pd/" + CLUSTER_ID + "/timestamp");
    assertThat(raw).hasSize(8);
    assertThat(ByteBuffer.wrap(raw).getLong()).isEqualTo(1_714_000_006_000L * 1_000_000L);
    // A new store (a restarted server) reads the last window back.
    assertThat(EtcdTimestampWindowStore.forCluster(ETCD.client(), keys, CLUSTER_ID, TIMEOUT).load())
        .isEqualTo(1_714_000_006_000L);
  }

  @Test
  void shouldContinueAboveTheWindowAfterARestart() {
    final TsoAllocator first =
        TsoAllocator.start(
            EtcdTimestampWindowStore.forCluster(ETCD.client(), keys, CLUSTER_ID, TIMEOUT));
    final long last = first.allocate(1000);

    final EtcdTimestampWindowStore reopened =
        EtcdTimestampWindowStore.forCluster(ETCD.client(), keys, CLUSTER_ID, TIMEOUT);
    final long window = reopened.load();
    final long next = TsoAllocator.start(reopened, () -> 0L, Duration.ofSeconds(3)).allocate();

    assertThat(next).isGreaterThan(last);
    assertThat(Tso.physicalMillis(next)).isEqualTo(window + 1);
  }

  @Test
  void shouldFailWhenAnotherServerWritesTheSameWindow() {
    final EtcdTimestampWindowStore mine =
        EtcdTimestampWindowStore.forCluster(ETCD.client(), keys, CLUSTER_ID, TIMEOUT);
    final EtcdTimestampWindowStore theirs =
        EtcdTimestampWindowStore.forCluster(ETCD.client(), keys, CLUSTER_ID, TIMEOUT);
    mine.load();
    theirs.load();
    mine.save(1_000_000);

    assertThatThrownBy(() -> theirs.save(2_000_000))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.REGISTRY_CONFLICT);
              assertThat(e.getMessage()).contains(keys.timestamp(CLUSTER_ID));
            });
  }

  @Test
  void shouldCreateTheClusterIdOnceAndReturnItAfterwards() throws Exception {
    final ClusterIdStore ids = new ClusterIdStore(ETCD.client(), keys, TIMEOUT);

    final long created = ids.getOrCreate(0);
    final long again = new ClusterIdStore(ETCD.client(), keys, TIMEOUT).getOrCreate(0);

    assertThat(created).isPositive();
    assertThat(again).isEqualTo(created);
    assertThat(ByteBuffer.wrap(raw(ETCD.prefix() + "/pd/cluster_id")).getLong()).isEqualTo(created);
  }

  @Test
  void shouldCreateTheConfiguredClusterIdAndRefuseAnotherOneLater() {
    final ClusterIdStore ids = new ClusterIdStore(ETCD.client(), keys, TIMEOUT);

    assertThat(ids.getOrCreate(CLUSTER_ID)).isEqualTo(CLUSTER_ID);
    assertThat(ids.getOrCreate(0)).isEqualTo(CLUSTER_ID);
    assertThatThrownBy(() -> ids.getOrCreate(CLUSTER_ID + 1))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_ID_MISMATCH);
              assertThat(e.getMessage()).contains(String.valueOf(CLUSTER_ID), keys.clusterId());
            });
  }

  private static byte[] raw(final String key) throws Exception {
    final var kvs =
        ETCD.client()
            .getKVClient()
            .get(ByteSequence.from(key, StandardCharsets.UTF_8))
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    assertThat(kvs).as("key %s", key).hasSize(1);
    return kvs.get(0).getValue().getBytes();
  }
}
