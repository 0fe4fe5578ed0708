package io.kafkabinlog.ordering.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Architecture invariants 1-3 over random interleavings: several pumps' records (TiDB protocol
 * respected, with rollbacks, failed-over duplicates resolved later, a pump joining and one leaving)
 * fed in random source order always come out as strictly increasing commit_ts equal to the set of
 * committed transactions, each once, with no late transaction (which would throw).
 */
class OrderingPropertyTest {
  private static final int SEEDS = Integer.getInteger("ordering.property.seeds", 30);

  @TempDir Path dir;

  @Test
  void randomInterleavingsGiveEveryCommittedTransactionOnceInCommitOrder() throws Exception {
    final List<String> failures = new ArrayList<>();
    final int only = Integer.getInteger("ordering.property.seed", 0);
    for (int seed = only > 0 ? only : 1; seed <= (only > 0 ? only : SEEDS); seed++) {
      final Path run = Files.createDirectories(dir.resolve("seed-" + seed));
      final Random random = new Random(seed);
      try (TestUpstream upstream = new TestUpstream(run.resolve("catalog"), 1_000L << 18);
          OrderingDriver driver =
              new OrderingDriver(
                  upstream,
                  run.resolve("state"),
                  only > 0 ? new TracingObserver() : OrderingObserver.NONE)) {
        final int pumps = 1 + random.nextInt(4);
        final ProtocolScenario scenario =
            new ProtocolScenario(random, upstream, 2_000L << 18)
                .generate(pumps, 20 + random.nextInt(40));
        scenario.replay(driver);
        final List<Long> out = driver.committed();
        for (int i = 1; i < out.size(); i++) {
          if (out.get(i) <= out.get(i - 1)) {
            failures.add("seed " + seed + ": commit_ts " + out.get(i) + " after " + out.get(i - 1));
          }
        }
        if (!out.equals(List.copyOf(scenario.committed().keySet()))) {
          failures.add(
              "seed "
                  + seed
                  + " ("
                  + pumps
                  + " pumps): published "
                  + out
                  + " expected "
                  + scenario.committed().keySet());
        }
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Prints what the stages report, for looking into one seed ({@code -Dordering.property.seed}).
   */
  private static final class TracingObserver implements OrderingObserver {
    @Override
    public void pumpWatermark(final int partition, final long ts) {
      System.out.println("M[" + partition + "]=" + ts);
    }

    @Override
    public void member(
        final int partition, final String nodeId, final long effectiveTs, final boolean leaving) {
      System.out.println("member " + partition + " eff=" + effectiveTs + " leaving=" + leaving);
    }

    @Override
    public void memberLeft(final int partition, final String nodeId) {
      System.out.println("left " + partition);
    }

    @Override
    public void heartbeat(final long ts) {
      System.out.println("H=" + ts);
    }

    @Override
    public void resolvedTs(final long ts) {
      System.out.println("W=" + ts);
    }
  }
}
