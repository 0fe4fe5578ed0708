package io.kafkabinlog.pump.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class PartitionBindingIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private RegistryKeys keys;
  private PartitionBinding binding;

  @BeforeEach
  void setUp() {
    keys = new RegistryKeys(ETCD.prefix());
    binding = new PartitionBinding(ETCD.client(), keys, Duration.ofSeconds(10));
  }

  @Test
  void shouldBindTheLowestFreePartitionAndKeepItAcrossRestarts() throws Exception {
    assertThat(binding.bind("pump-a:8250", 4)).isZero();
    assertThat(binding.bind("pump-b:8250", 4)).isEqualTo(1);
    // A restart, with a fresh binding object as a new process would have.
    final PartitionBinding restarted =
        new PartitionBinding(ETCD.client(), keys, Duration.ofSeconds(10));
    assertThat(restarted.bind("pump-b:8250", 4)).isEqualTo(1);
    assertThat(restarted.bind("pump-a:8250", 4)).isZero();

    assertThat(get(ETCD.prefix() + "/v1/kafka/raw-partition/by-node/pump-b:8250")).isEqualTo("1");
    assertThat(get(ETCD.prefix() + "/v1/kafka/raw-partition/by-partition/1"))
        .isEqualTo("pump-b:8250");
    assertThat(binding.bindings()).isEqualTo(Map.of(0, "pump-a:8250", 1, "pump-b:8250"));
  }

  @Test
  void shouldLetExactlyOneOfTwoConcurrentPumpsTakeTheLastFreePartition() throws Exception {
    for (int round = 0; round < 5; round++) {
      ETCD.cleanUp();
      final CyclicBarrier start = new CyclicBarrier(2);
      final ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        final List<Callable<Integer>> pumps = new ArrayList<>();
        for (final String node : List.of("left", "right")) {
          pumps.add(
              () -> {
                final PartitionBinding own =
                    new PartitionBinding(ETCD.client(), keys, Duration.ofSeconds(10));
                start.await(10, TimeUnit.SECONDS);
                return own.bind(node, 1);
              });
        }
        int won = 0;
        int refused = 0;
        for (final Future<Integer> result : pool.invokeAll(pumps)) {
          try {
            assertThat(result.get()).isZero();
            won++;
          } catch (ExecutionException e) {
            assertThat(e.getCause())
                .isInstanceOf(FatalBinlogException.class)
                .hasMessageContaining("all 1 partitions");
            refused++;
          }
        }
        assertThat(won).isEqualTo(1);
        assertThat(refused).isEqualTo(1);
        assertThat(binding.bindings()).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void shouldGiveEveryOneOfManyConcurrentPumpsItsOwnPartition() throws Exception {
    final int pumps = 6;
    final ExecutorService pool = Executors.newFixedThreadPool(pumps);
    try {
      final List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < pumps; i++) {
        final String node = "pump-" + i;
        calls.add(
            () -> new PartitionBinding(ETCD.client(), keys, Duration.ofSeconds(10)).bind(node, 8));
      }
      final List<Integer> partitions = new ArrayList<>();
      for (final Future<Integer> f : pool.invokeAll(calls)) {
        partitions.add(f.get());
      }
      assertThat(partitions).doesNotHaveDuplicates().allMatch(p -> p >= 0 && p < pumps);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldExplainWhenEveryPartitionIsBound() {
    binding.bind("pump-a", 2);
    binding.bind("pump-b", 2);

    assertThatThrownBy(() -> binding.bind("pump-c", 2))
        .isInstanceOf(FatalBinlogException.class)
        .satisfies(
            e -> assertThat(((BinlogException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageContaining("all 2 partitions of the raw topic are bound to pumps")
        .hasMessageContaining("0 -> pump-a, 1 -> pump-b")
        .hasMessageContaining("[kafka] raw-partitions")
        .hasMessageContaining("etcdctl del " + ETCD.prefix() + "/v1/kafka/raw-partition/by-node/");
    // Nothing half-written for the refused pump.
    assertThat(binding.bindings()).hasSize(2);
  }

  @Test
  void shouldReuseAFreedPartition() throws Exception {
    binding.bind("pump-a", 2);
    binding.bind("pump-b", 2);
    delete(binding.byNodeKey("pump-a"));
    delete(binding.byPartitionKey(0));
    assertThat(binding.bind("pump-c", 2)).isZero();
  }

  @Test
  void shouldRefuseABindingBeyondAShrunkTopic() {
    binding.bind("pump-a", 4);
    binding.bind("pump-b", 4);
    binding.bind("pump-c", 4);

    assertThatThrownBy(() -> binding.bind("pump-c", 2))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("bound to raw partition 2")
        .hasMessageContaining("raw topic has 2 partitions");
  }

  @Test
  void shouldRefuseBindingsThatDisagree() throws Exception {
    binding.bind("pump-a", 4);
    put(binding.byPartitionKey(0), "someone-else");

    assertThatThrownBy(() -> binding.bind("pump-a", 4))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("disagree");
  }

  @Test
  void shouldLookUpABindingWithoutCreatingOne() throws Exception {
    assertThat(binding.partitionOf("pump-a")).isEmpty();
    assertThat(binding.bindings()).isEmpty();

    binding.bind("pump-b", 4);
    binding.bind("pump-a", 4);
    assertThat(binding.partitionOf("pump-a")).contains(1);
    assertThat(binding.partitionOf("pump-b")).contains(0);

    put(binding.byPartitionKey(1), "someone-else");
    assertThatThrownBy(() -> binding.partitionOf("pump-a"))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("disagree")
        .hasMessageContaining("someone-else");
    delete(binding.byPartitionKey(1));
    assertThatThrownBy(() -> binding.partitionOf("pump-a"))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("is missing");
  }

  private String get(final String key) throws Exception {
    final var kvs = ETCD.client().getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  private void put(final String key, final String value) throws Exception {
    ETCD.client().getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
  }

  private void delete(final String key) throws Exception {
    ETCD.client().getKVClient().delete(bytes(key)).get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
