package io.kafkabinlog.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Registry heartbeats per second (our compare-and-swap update of a node entry, as a pump's
 * heartbeat does it) against raw etcd puts of the same JSON through the same client. A heartbeat
 * costs a read plus a transaction, so a ratio near 0.5 is what the design predicts; far below means
 * overhead of ours.
 */
final class RegistryHeartbeatBenchmark implements Benchmark {
  @Override
  public String name() {
    return "registry-heartbeat";
  }

  @Override
  public String description() {
    return "node-registry heartbeat updates/s vs raw etcd puts/s (same client, same payload)";
  }

  @Override
  public BenchResult run(final BenchEnvironment environment) throws Exception {
    final String root = "/bench/registry-heartbeat-" + System.nanoTime();
    final RegistryKeys keys = new RegistryKeys(root);
    try (Client client =
            Client.builder()
                .endpoints(environment.etcdEndpoints().toArray(java.net.URI[]::new))
                .build();
        EtcdNodeRegistry registry = EtcdNodeRegistry.using(client, keys, Duration.ofSeconds(10))) {
      final NodeStatus status =
          NodeStatus.of("bench-pump:8250", "127.0.0.1:8250", NodeState.ONLINE);
      registry.register(NodeKind.PUMP, status);
      final ByteSequence rawKey = bytes(root + "/raw");
      final ByteSequence rawValue = bytes(status.toString());

      // Warm-up of both paths (JIT, connections), then the measured phases.
      measure(
          Duration.ofSeconds(1),
          i -> client.getKVClient().put(rawKey, rawValue).get(10, TimeUnit.SECONDS));
      measure(
          Duration.ofSeconds(1),
          i -> registry.update(NodeKind.PUMP, status.nodeId(), s -> s.withHeartbeat(i, i)));
      final double raw =
          measure(
              environment.measureTime(),
              i -> client.getKVClient().put(rawKey, rawValue).get(10, TimeUnit.SECONDS));
      final double ours =
          measure(
              environment.measureTime(),
              i -> registry.update(NodeKind.PUMP, status.nodeId(), s -> s.withHeartbeat(i, i)));

      client
          .getKVClient()
          .delete(bytes(root + "/"), DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
      return new BenchResult(name(), "ops/s", ours, raw, true);
    }
  }

  private static double measure(final Duration duration, final Operation operation)
      throws Exception {
    final long start = System.nanoTime();
    final long end = start + duration.toNanos();
    long count = 0;
    while (System.nanoTime() < end) {
      operation.run(count++);
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  private interface Operation {
    void run(long iteration) throws Exception;
  }
}
