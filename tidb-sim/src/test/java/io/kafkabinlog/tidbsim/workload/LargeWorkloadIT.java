package io.kafkabinlog.tidbsim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.engine.GeneratedInsert;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.pumpclient.PumpClientConfig;
import io.kafkabinlog.tidbsim.pumpclient.PumpsClient;
import io.kafkabinlog.tidbsim.testing.ClockTimestampOracle;
import io.kafkabinlog.tidbsim.testing.FakePump;
import io.kafkabinlog.tidbsim.testing.GeneratedRowsCheck;
import io.kafkabinlog.tidbsim.testing.LargeTransactionProcess;
import io.kafkabinlog.tidbsim.testing.SimFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The large workload through the real pump client (real etcd discovery, gRPC) into an in-test pump.
 * {@code -Dtidbsim.large.mib=N} sets the size of the separate-process run (64 MiB by default; 1024
 * for the 1 GiB case, which is run by hand).
 */
@Tag("integration")
class LargeWorkloadIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final long CLUSTER_ID = 6_900_000_000_000_000_007L;
  private static final long SEED = 17;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  @Timeout(180)
  void shouldSendA64MiBTransactionThroughThePumpClientToAPump() {
    final long size = 64L << 20;
    final RegistryKeys keys = new RegistryKeys(ETCD.prefix());
    try (FakePump pump = FakePump.start(ETCD.client(), keys, "p1", CLUSTER_ID);
        PumpsClient client =
            PumpsClient.using(
                PumpClientConfig.builder(CLUSTER_ID).registryKeys(keys).build(),
                ETCD.client(),
                ETCD.endpoints());
        SimFixture sim = SimFixture.open(dir, new ClockTimestampOracle(CLUSTER_ID), client)) {
      final List<String> lines = new ArrayList<>();
      new LargeWorkload()
          .run(
              sim.sim(),
              WorkloadOptions.defaults().withSeed(SEED).withLargeBytes(size),
              new Progress("large", sim.sim().stats(), Duration.ofHours(1), lines::add));

      final TableInfo big = sim.sim().catalog().table("large", "big").orElseThrow();
      checkReceived(pump, big, size);
      assertThat(lines).anyMatch(l -> l.contains("writing 50% (128/256 rows, 32.0 MiB)"));
      assertThat(ExpectedStateLog.replay(dir).table("large", "big").orElseThrow().rowCount())
          .isEqualTo(256);
    }
  }

  /**
   * The sim side in a JVM of its own whose heap is capped at 1.5 times the transaction plus 64 MiB:
   * it must get through, holding the binlog about once, and it reports what it used.
   */
  @Test
  @Timeout(900)
  void shouldSendTheTransactionWithAHeapOfOneAndAHalfTimesItsSize() throws Exception {
    final long size = Long.getLong("tidbsim.large.mib", 64) << 20;
    final long heapCap =
        Long.getLong("tidbsim.large.heap.mib", (size * 3 / 2 + (64L << 20)) >> 20) << 20;
    final RegistryKeys keys = new RegistryKeys(ETCD.prefix());
    final Path simDir = dir.resolve("sim");
    try (FakePump pump = FakePump.start(ETCD.client(), keys, "p1", CLUSTER_ID)) {
      final List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx" + (heapCap >> 20) + "m",
              "-Xlog:gc*:file=" + Path.of("target", "large-" + (size >> 20) + "-mib-gc.log"),
              "-cp",
              System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
              LargeTransactionProcess.class.getName(),
              ETCD.endpoints().split(",")[0],
              ETCD.prefix(),
              Long.toString(CLUSTER_ID),
              simDir.toString(),
              Long.toString(size),
              Long.toString(SEED));
      final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      final Map<String, String> report = new HashMap<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          System.out.println("[sim] " + line);
          if (line.startsWith("LARGE ")) {
            final String[] kv = line.substring(6).split("=", 2);
            report.put(kv[0], kv[1]);
          }
        }
      }
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("exit code of the sim process").isZero();
      System.out.printf(
          "large transaction of %d MiB, heap cap %d MiB: %s%n", size >> 20, heapCap >> 20, report);
      // What stayed live: the binlog once, plus the sim's own few dozen MiB.
      assertThat(Long.parseLong(report.get("peakHeapAfterGc")))
          .isGreaterThan(size)
          .isLessThan(size + size / 4 + (64L << 20));

      final TableInfo big;
      try (Catalog catalog = Catalog.openReadOnly(simDir)) {
        big = catalog.table("large", "big").orElseThrow();
      }
      checkReceived(pump, big, size);
    }
  }

  /** The pump got the one generated prewrite, decoding to the generated rows, and its commit. */
  private static void checkReceived(final FakePump pump, final TableInfo big, final long size) {
    final GeneratedInsert plan = LargeWorkload.plan("large", SEED, 1, size);
    final List<Binlog> generated =
        pump.received(BinlogType.Prewrite).stream().filter(Binlog::hasPrewriteValue).toList();
    assertThat(generated).hasSize(1);
    final Binlog prewrite = generated.get(0);
    final GeneratedRowsCheck.Summary rows =
        GeneratedRowsCheck.scan(prewrite.getPrewriteValue(), big);
    assertThat(rows.mutations()).isEqualTo(1);
    assertThat(rows.tableId()).isEqualTo(big.id());
    assertThat(rows.rows()).isEqualTo(plan.count());
    assertThat(rows.inserts()).isEqualTo(plan.count());
    assertThat(rows.firstId()).isEqualTo(1);
    assertThat(rows.lastId()).isEqualTo(plan.count());
    assertThat(rows.idsConsecutive()).isTrue();
    assertThat(rows.payloadBytes())
        .isEqualTo(plan.count() * plan.rowBytes())
        .isGreaterThanOrEqualTo(size);
    assertThat(rows.payloadCrc())
        .isEqualTo(GeneratedRowsCheck.expectedCrc(SEED, 1, plan.count(), plan.rowBytes()));
    final Binlog commit = pump.awaitBinlog(prewrite.getStartTs(), BinlogType.Commit, WAIT);
    assertThat(commit.getCommitTs()).isGreaterThan(prewrite.getStartTs());
    assertThat(commit.getPrewriteKey()).isEqualTo(prewrite.getPrewriteKey());
  }
}
