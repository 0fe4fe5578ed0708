package io.kafkabinlog.bench;

import io.kafkabinlog.bench.mysqlsink.MysqlSinkBenchmark;
import io.kafkabinlog.bench.ordering.OrderingBenchmark;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Runs one benchmark by name: {@code bench/run.sh NAME}. Without a name, lists them. */
public final class BenchMain {
  private final Map<String, Benchmark> benchmarks = new TreeMap<>();

  BenchMain(final List<Benchmark> all) {
    all.forEach(b -> benchmarks.put(b.name(), b));
  }

  static BenchMain withAllBenchmarks() {
    return new BenchMain(
        List.of(
            new RegistryHeartbeatBenchmark(),
            new PumpBenchmark(),
            new OrderingBenchmark(),
            new MysqlSinkBenchmark()));
  }

  Optional<Benchmark> find(final String name) {
    return Optional.ofNullable(benchmarks.get(name));
  }

  String listing() {
    final StringBuilder out = new StringBuilder("benchmarks:");
    benchmarks
        .values()
        .forEach(b -> out.append(String.format("%n  %-24s %s", b.name(), b.description())));
    return out.toString();
  }

  public static void main(final String[] args) throws Exception {
    final BenchMain main = withAllBenchmarks();
    if (args.length == 0) {
      System.out.println(main.listing());
      return;
    }
    final Benchmark benchmark =
        main.find(args[0])
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown benchmark '" + args[0] + "'; " + main.listing()));
    System.out.println("running " + benchmark.name() + ": " + benchmark.description());
    final BenchResult result = benchmark.run(BenchEnvironment.from(System.getenv()));
    System.out.println(result.report());
  }
}
