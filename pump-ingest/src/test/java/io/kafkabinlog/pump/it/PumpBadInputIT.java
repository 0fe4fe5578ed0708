package io.kafkabinlog.pump.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.pump.ingest.BinlogValidator;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.binlog.MalformedBinlogException;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: bad input to a pump process. A wrong cluster id, a truncated payload and 10,000
 * fuzzed payloads each get a clear error unless the mutation happens to be a valid binlog (then it
 * is stored like any other); prewrites while the pump pauses are refused with {@code no online:}.
 * The raw topic then holds exactly the accepted binlogs, and the pump served valid writes
 * throughout.
 */
class PumpBadInputIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final int FUZZED = 10_000;
  private static final BinlogParser PARSER = new BinlogParser();
  private static final BinlogValidator VALIDATOR = new BinlogValidator();

  @TempDir Path dir;

  private final TestBinlogs binlogs = new TestBinlogs();
  private final Random random = new Random(20240611L);

  /** Every payload the pump accepted (empty health probes aside), as stored bytes. */
  private final Map<ByteBuffer, Integer> accepted = new HashMap<>();

  @Test
  void badInputGetsAClearErrorNothingOfItIsStoredAndThePumpKeepsServing() throws Exception {
    try (PumpCluster cluster = new PumpCluster(ETCD, KAFKA, dir)) {
      final PumpProcess pump = cluster.start(cluster.spec("pump-bad", List.of("-Xmx1g")));
      final long clusterId = cluster.clusterId();
      try (PumpRpc rpc = new PumpRpc(pump.addr())) {
        assertAccepted(rpc, clusterId, binlogs.prewrite(random).toByteArray());

        final byte[] valid = binlogs.prewrite(random).toByteArray();
        final PumpRpc.Reply wrongCluster = rpc.write(clusterId + 1, valid);
        assertThat(wrongCluster.ok()).isFalse();
        assertThat(wrongCluster.error()).contains("cluster ID are mismatch");

        final PumpRpc.Reply truncated =
            rpc.write(clusterId, Arrays.copyOf(valid, valid.length - 3));
        assertThat(truncated.ok()).isFalse();
        assertThat(truncated.error()).isNotBlank();
        System.out.println("truncated payload: " + truncated);

        assertThat(rpc.write(clusterId, new byte[0]).ok()).as("empty payload = probe").isTrue();

        fuzz(rpc, clusterId);

        final Binlog after = binlogs.prewrite(random);
        assertAccepted(rpc, clusterId, after.toByteArray());
        assertAccepted(
            rpc, clusterId, Binlogs.commit(after.getStartTs(), binlogs.nextTs()).toByteArray());

        prewritesWhilePausing(pump, rpc, clusterId);
      }
      try (EtcdNodeRegistry registry =
          EtcdNodeRegistry.using(
              ETCD.client(), new RegistryKeys(cluster.registryRoot()), Duration.ofSeconds(10))) {
        assertThat(registry.get(NodeKind.PUMP, "pump-bad").orElseThrow().status().state())
            .isEqualTo(NodeState.PAUSED);
      }
      assertRawTopicHoldsExactlyTheAccepted(cluster.topics().raw());
    }
  }

  private void fuzz(final PumpRpc rpc, final long clusterId) throws Exception {
    final List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < FUZZED; i++) {
      payloads.add(fuzzed(i));
    }
    final ExecutorService pool = Executors.newFixedThreadPool(16);
    final List<Future<PumpRpc.Reply>> replies = new ArrayList<>();
    try {
      for (byte[] payload : payloads) {
        replies.add(pool.submit(() -> rpc.write(clusterId, payload)));
      }
      int acceptedCount = 0;
      int probes = 0;
      final List<String> disagreements = new ArrayList<>();
      final Map<String, Integer> errors = new TreeMap<>();
      for (int i = 0; i < payloads.size(); i++) {
        final byte[] payload = payloads.get(i);
        final PumpRpc.Reply reply = replies.get(i).get();
        // The pump's own validator is the oracle (it is stricter than BinlogParser); whatever the
        // pump stores must also parse.
        final boolean valid = payload.length == 0 || validates(payload);
        if (reply.ok() && payload.length > 0 && !parses(payload)) {
          disagreements.add(i + ": the pump stored a payload BinlogParser refuses");
        }
        if (reply.ok()) {
          acceptedCount++;
          if (payload.length == 0) {
            probes++;
          } else {
            accepted.merge(ByteBuffer.wrap(payload), 1, Integer::sum);
          }
        } else {
          assertThat(reply.error()).as("error of fuzzed payload %d", i).isNotBlank();
          errors.merge(
              reply.code()
                  + " "
                  + reply
                      .error()
                      .replaceAll("[0-9]+", "N")
                      .substring(0, Math.min(60, reply.error().replaceAll("[0-9]+", "N").length())),
              1,
              Integer::sum);
        }
        if (reply.ok() != valid) {
          disagreements.add(i + ": pump " + reply + ", parser valid=" + valid);
        }
      }
      System.out.printf(
          "fuzz: %d payloads, %d accepted (%d empty probes), %d rejected; errors: %s%n",
          payloads.size(), acceptedCount, probes, payloads.size() - acceptedCount, errors);
      assertThat(disagreements)
          .as("payloads where the pump and its BinlogValidator disagree on validity")
          .isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Random bytes, truncations, bit flips and overwritten runs of valid binlogs. */
  private byte[] fuzzed(final int i) {
    final byte[] valid = validSeed();
    switch (i % 4) {
      case 0 -> {
        final byte[] noise = new byte[1 + random.nextInt(256)];
        random.nextBytes(noise);
        return noise;
      }
      case 1 -> {
        return Arrays.copyOf(valid, random.nextInt(valid.length));
      }
      case 2 -> {
        final int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
          valid[random.nextInt(valid.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return valid;
      }
      default -> {
        final int from = random.nextInt(valid.length);
        final int to = Math.min(valid.length, from + 1 + random.nextInt(8));
        for (int b = from; b < to; b++) {
          valid[b] = (byte) random.nextInt(256);
        }
        return valid;
      }
    }
  }

  private byte[] validSeed() {
    final long ts = binlogs.nextTs();
    return switch (random.nextInt(4)) {
      case 0 -> Binlogs.commit(ts, ts + 1).toByteArray();
      case 1 -> Binlogs.rollback(ts).toByteArray();
      case 2 ->
          Binlogs.ddl(ts, 1 + random.nextInt(1000), 5, "create table t (id int)").toByteArray();
      default ->
          binlogs.prewrite(ts, 1 + random.nextInt(3), 4 + random.nextInt(40), random).toByteArray();
    };
  }

  /**
   * Prewrites sent while the pump pauses (PUT /state/.../pause) are refused with {@code no online:}
   * ; the commit of a prewrite it already took is still accepted. Pausing ends the process.
   */
  private void prewritesWhilePausing(
      final PumpProcess pump, final PumpRpc rpc, final long clusterId) throws Exception {
    // A prewrite without its commit keeps the pausing pump waiting (pause-drain-timeout) for it.
    final Binlog pending = binlogs.prewrite(random);
    assertAccepted(rpc, clusterId, pending.toByteArray());
    final CompletableFuture<Integer> pause =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pump.putState("pause");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    final List<PumpRpc.Reply> refused = new ArrayList<>();
    final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && pump.process().isAlive()) {
      final byte[] prewrite = binlogs.prewrite(random).toByteArray();
      final PumpRpc.Reply reply = rpc.write(clusterId, prewrite);
      if (reply.ok()) {
        accepted.merge(ByteBuffer.wrap(prewrite), 1, Integer::sum);
      } else if (reply.error().contains("no online:")) {
        refused.add(reply);
        if (refused.size() >= 3) {
          break;
        }
      }
    }
    System.out.println("prewrites while pausing: " + refused);
    assertThat(refused).as("prewrites refused while pausing").isNotEmpty();
    final byte[] commit = Binlogs.commit(pending.getStartTs(), binlogs.nextTs()).toByteArray();
    final PumpRpc.Reply commitReply = rpc.write(clusterId, commit);
    System.out.println("commit while pausing: " + commitReply);
    if (commitReply.ok()) {
      accepted.merge(ByteBuffer.wrap(commit), 1, Integer::sum);
    }
    assertThat(pump.process().waitFor(Duration.ofSeconds(60)))
        .as("exit code of a paused pump")
        .isZero();
    System.out.println("PUT pause answered " + pause.exceptionally(e -> -1).get());
  }

  private void assertAccepted(final PumpRpc rpc, final long clusterId, final byte[] payload) {
    final PumpRpc.Reply reply = rpc.write(clusterId, payload);
    assertThat(reply.ok()).as("a valid binlog: %s", reply).isTrue();
    accepted.merge(ByteBuffer.wrap(payload), 1, Integer::sum);
  }

  private void assertRawTopicHoldsExactlyTheAccepted(final String topic) {
    final WholeBinlogs stored = new WholeBinlogs();
    RawTopicReader.readAll(KAFKA.consumerConfig(), topic, stored);
    final Map<ByteBuffer, Integer> storedPayloads = new HashMap<>();
    for (RawBinlog b : stored.binlogs()) {
      if (!b.header().isFake()) {
        storedPayloads.merge(ByteBuffer.wrap(b.payload()), 1, Integer::sum);
      }
    }
    final Map<ByteBuffer, Integer> expected = new HashMap<>();
    accepted.forEach(
        (payload, n) -> {
          if (!isFake(payload)) {
            expected.put(payload, n);
          }
        });
    System.out.printf(
        "raw topic: %d binlogs, %d not fake; %d accepted non-fake payloads%n",
        stored.binlogs().size(),
        storedPayloads.values().stream().mapToInt(i -> i).sum(),
        expected.values().stream().mapToInt(i -> i).sum());
    // Distinct keys: a retry could store one payload twice, but this client never retries.
    assertThat(storedPayloads.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(storedPayloads).isEqualTo(expected);
  }

  private static boolean parses(final byte[] payload) {
    try {
      PARSER.parse(payload);
      return true;
    } catch (MalformedBinlogException e) {
      return false;
    }
  }

  private static boolean validates(final byte[] payload) {
    try {
      VALIDATOR.validate(ByteString.copyFrom(payload));
      return true;
    } catch (MalformedBinlogException e) {
      return false;
    }
  }

  private static boolean isFake(final ByteBuffer payload) {
    final byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    final Binlog b = PARSER.parse(ByteString.copyFrom(bytes));
    return b.getTp() == BinlogType.Rollback && b.getStartTs() == b.getCommitTs();
  }
}
