package io.kafkabinlog.pump.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.UnsafeByteOperations;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.GcLogSummary;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: a 1 GiB prewrite binlog round-trips through a pump process whose heap is capped at 2
 * GiB, stored as 1 MiB chunks: the reassembled bytes have the digest of what was sent.
 */
class PumpLargeBinlogIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final int ROW_BYTES = 64 << 10;
  private static final int ROWS = (1 << 30) / ROW_BYTES;

  @TempDir Path dir;

  @Test
  void theBuilderWritesAValidPrewrite() {
    final byte[] small = HugePrewrite.build(12345, 3, 100, 1);
    final BinlogParser parser = new BinlogParser();
    final Binlog binlog = parser.parse(small);
    assertThat(binlog.getTp()).isEqualTo(BinlogType.Prewrite);
    assertThat(binlog.getStartTs()).isEqualTo(12345);
    final PrewriteValue value = parser.prewriteValue(binlog);
    assertThat(value.getMutations(0).getInsertedRowsCount()).isEqualTo(3);
    assertThat(value.getMutations(0).getInsertedRows(2).size()).isEqualTo(100);
  }

  @Test
  void aOneGibBinlogRoundTripsThroughAPumpWithA2GibHeap() throws Exception {
    final long available = memAvailableBytes();
    assumeTrue(
        available < 0 || available > (7L << 30),
        "needs ~7 GiB of available memory (1 GiB payload here, a 2 GiB pump, the broker); "
            + "MemAvailable is "
            + (available >> 20)
            + " MiB");
    assumeTrue(
        Runtime.getRuntime().maxMemory() > (3L << 30),
        "the test JVM needs a heap above 3 GiB to hold the 1 GiB payload; max heap is "
            + (Runtime.getRuntime().maxMemory() >> 20)
            + " MiB");
    assumeTrue(
        dir.toFile().getUsableSpace() > (6L << 30),
        "needs ~6 GiB of free disk for the broker's copy of the binlog");

    // Kept under target/ with the pump's output, for a look after a failure.
    final Path gcLog =
        Files.createDirectories(Path.of("target", "process-logs"))
            .resolve("pump-large-gc-" + System.currentTimeMillis() + ".log")
            .toAbsolutePath();
    try (PumpCluster cluster = new PumpCluster(ETCD, KAFKA, dir)) {
      final PumpProcess.Spec spec =
          cluster.spec(
              "pump-large",
              List.of("-Xmx2g", "-Xlog:gc:file=" + gcLog),
              "--kafka.max-message-bytes=1048576");
      final PumpProcess pump = cluster.start(spec);
      final long clusterId = cluster.clusterId();
      final TestBinlogs binlogs = new TestBinlogs();
      final long startTs = binlogs.nextTs();

      byte[] payload = HugePrewrite.build(startTs, ROWS, ROW_BYTES, 99);
      final int size = payload.length;
      final byte[] sentDigest = MessageDigest.getInstance("SHA-256").digest(payload);
      final long sendBegin = System.nanoTime();
      try (PumpRpc rpc = new PumpRpc(pump.addr())) {
        final PumpRpc.Reply reply =
            rpc.write(clusterId, UnsafeByteOperations.unsafeWrap(payload), Duration.ofMinutes(5));
        final double sendSeconds = (System.nanoTime() - sendBegin) / 1e9;
        payload = null; // let it go before consuming
        reportPumpHeap(gcLog);
        assertThat(reply.ok()).as("1 GiB prewrite: %s; %s", reply, pump.process().tail()).isTrue();
        System.out.printf(
            "large: %d bytes written through the pump in %.1f s (%.0f MiB/s)%n",
            size, sendSeconds, size / sendSeconds / (1 << 20));
        final long commitTs = binlogs.nextTs();
        assertThat(rpc.write(clusterId, Binlogs.commit(startTs, commitTs).toByteArray()).ok())
            .isTrue();
        // The pump still serves ordinary writes.
        assertThat(rpc.write(clusterId, binlogs.prewrite(new Random(1)).toByteArray()).ok())
            .isTrue();
      }
      assertThat(pump.process().isAlive()).isTrue();

      final long consumeBegin = System.nanoTime();
      final StreamedGroup large = new StreamedGroup(startTs);
      RawTopicReader.readAll(KAFKA.consumerConfig(), cluster.topics().raw(), large);
      System.out.printf(
          "large: read back %d bytes in %d chunks in %.1f s; commit stored: %s%n",
          large.length, large.chunks, (System.nanoTime() - consumeBegin) / 1e9, large.commitSeen);
      assertThat(large.complete).as("a complete chunk group for the prewrite").isTrue();
      assertThat(large.length).isEqualTo(size);
      assertThat(large.chunks).isGreaterThanOrEqualTo(1024);
      assertThat(HexFormat.of().formatHex(large.digest))
          .isEqualTo(HexFormat.of().formatHex(sentDigest));
      assertThat(large.commitSeen).isTrue();
      assertThat(reportPumpHeap(gcLog)).isLessThanOrEqualTo(2048);
    }
  }

  /** Digests the chunks of one start_ts's prewrite as they stream by, by the chunk rule. */
  private static final class StreamedGroup implements RawTopicReader.Visitor {
    private final long startTs;
    private MessageDigest sha;
    private CRC32C crc;
    private UUID group;
    private int next;
    long length;
    int chunks;
    boolean complete;
    boolean commitSeen;
    byte[] digest;

    StreamedGroup(final long startTs) {
      this.startTs = startTs;
    }

    @Override
    public void record(
        final int partition,
        final long offset,
        final long keyStartTs,
        final io.kafkabinlog.schemas.raw.BinlogHeader header,
        final ChunkHeader chunk,
        final byte[] value) {
      if (header.startTs() != startTs) {
        return;
      }
      if (header.type() == BinlogType.Commit) {
        commitSeen = true;
        return;
      }
      assertThat(chunk).as("the 1 GiB prewrite must be chunked").isNotNull();
      if (chunk.index() == 0) {
        start(chunk.groupId());
      }
      assertThat(chunk.groupId()).isEqualTo(group);
      assertThat(chunk.index()).isEqualTo(next);
      next++;
      chunks++;
      length += value.length;
      sha.update(value);
      crc.update(value);
      if (chunk.isLast()) {
        assertThat(length).isEqualTo(chunk.totalLength());
        assertThat((int) crc.getValue()).isEqualTo(chunk.crc32c());
        digest = sha.digest();
        complete = true;
      }
    }

    private void start(final UUID id) {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      crc = new CRC32C();
      group = id;
      next = 0;
      chunks = 0;
      length = 0;
      complete = false;
    }
  }

  /** Prints the pump's heap figures from its GC log; returns its largest committed heap in MiB. */
  private static long reportPumpHeap(final Path gcLog) throws Exception {
    final GcLogSummary gc = GcLogSummary.read(gcLog);
    System.out.println("large: " + gc.describe("pump", "-Xmx2g"));
    return gc.maxCommittedMib();
  }

  private static long memAvailableBytes() throws Exception {
    final Path meminfo = Path.of("/proc/meminfo");
    if (!Files.exists(meminfo)) {
      return -1;
    }
    for (String line : Files.readAllLines(meminfo)) {
      if (line.startsWith("MemAvailable:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
