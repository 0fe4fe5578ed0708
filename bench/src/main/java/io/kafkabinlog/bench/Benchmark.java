package io.kafkabinlog.bench;

/**
 * One benchmark: it measures our figure and a baseline in the same run, on the same machine and
 * services, so that the ratio between them means something whatever the machine's speed.
 */
public interface Benchmark {
  /** Name used on the command line ({@code bench/run.sh NAME}) and in the ratio line. */
  String name();

  /** One line: what is measured against what. */
  String description();

  BenchResult run(BenchEnvironment environment) throws Exception;
}
