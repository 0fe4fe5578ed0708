package io.kafkabinlog.tidbsim.testing;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.tidbsim.pumpclient.PumpClientConfig;
import io.kafkabinlog.tidbsim.pumpclient.PumpsClient;
import io.kafkabinlog.tidbsim.workload.LargeWorkload;
import io.kafkabinlog.tidbsim.workload.Progress;
import io.kafkabinlog.tidbsim.workload.WorkloadOptions;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The sim side of a large transaction in a JVM of its own, so that its memory can be measured apart
 * from the pump's: runs the large workload through a real pump client and prints what it used, one
 * {@code LARGE key=value} line each.
 *
 * <p>Arguments: etcd endpoint, registry root, cluster id, data directory, size in bytes, seed.
 */
public final class LargeTransactionProcess {
  private LargeTransactionProcess() {}

  public static void main(final String[] args) throws Exception {
    final URI etcd = URI.create(args[0]);
    final String registryRoot = args[1];
    final long clusterId = Long.parseLong(args[2]);
    final Path dataDir = Path.of(args[3]);
    final long size = Long.parseLong(args[4]);
    final long seed = Long.parseLong(args[5]);

    final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    final BufferPoolMXBean direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .findFirst()
            .orElseThrow();
    final AtomicLong peakHeap = new AtomicLong();
    final AtomicLong peakDirect = new AtomicLong();
    final Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                peakDirect.accumulateAndGet(direct.getMemoryUsed(), Math::max);
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "memory-sampler");
    sampler.setDaemon(true);
    sampler.start();
    final AtomicLong peakAfterGc = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (notification, handback) -> {
                if (notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  final GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from(
                          (CompositeData) notification.getUserData());
                  peakAfterGc.accumulateAndGet(liveHeap(info), Math::max);
                }
              },
              null,
              null);
    }

    final long begin = System.nanoTime();
    final PumpClientConfig config =
        PumpClientConfig.builder(clusterId).registryKeys(new RegistryKeys(registryRoot)).build();
    try (PumpsClient client = PumpsClient.connect(config, List.of(etcd));
        SimFixture sim = SimFixture.open(dataDir, new ClockTimestampOracle(clusterId), client)) {
      new LargeWorkload()
          .run(
              sim.sim(),
              WorkloadOptions.defaults().withSeed(seed).withLargeBytes(size),
              new Progress("large", sim.sim().stats(), Duration.ofSeconds(5), System.out::println));
    }
    sampler.interrupt();
    sampler.join();
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("LARGE seconds=" + (System.nanoTime() - begin) / 1_000_000_000.0);
    System.out.println("LARGE maxHeap=" + Runtime.getRuntime().maxMemory());
    System.out.println("LARGE peakHeapSampled=" + peakHeap.get());
    System.out.println("LARGE heapPoolPeaksSum=" + poolPeaks);
    System.out.println("LARGE peakHeapAfterGc=" + peakAfterGc.get());
    System.out.println("LARGE peakDirectSampled=" + peakDirect.get());
    System.out.println("LARGE peakRss=" + peakRssBytes());
  }

  /** Heap in use right after a collection: what was live then. */
  private static long liveHeap(final GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      final MemoryUsage after = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
      if (pool.getType() == MemoryType.HEAP && after != null) {
        used += after.getUsed();
      }
    }
    return used;
  }

  /** VmHWM of this process (Linux), or -1. */
  private static long peakRssBytes() throws Exception {
    final Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
