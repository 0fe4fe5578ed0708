package io.kafkabinlog.bench;

import java.util.Locale;

/**
 * A benchmark's figure and its baseline, in the same unit.
 *
 * @param name benchmark name
 * @param unit unit of both figures, e.g. "ops/s"
 * @param measured our figure
 * @param baseline the baseline's figure, measured in the same run
 * @param higherIsBetter whether a larger figure is better (throughput) or worse (latency, memory)
 */
public record BenchResult(
    String name, String unit, double measured, double baseline, boolean higherIsBetter) {
  public BenchResult {
    if (!(baseline > 0) || !(measured >= 0)) {
      throw new IllegalArgumentException(
          "figures must be positive: measured=" + measured + " baseline=" + baseline);
    }
  }

  /** measured / baseline. */
  public double ratio() {
    return measured / baseline;
  }

  /** The closing lines; the last is always {@code <name> ratio: <x>}. */
  public String report() {
    return String.format(
        Locale.ROOT,
        "%s: %.1f %s (baseline %.1f %s, %s is better)%n%s ratio: %.3f",
        name,
        measured,
        unit,
        baseline,
        unit,
        higherIsBetter ? "higher" : "lower",
        name,
        ratio());
  }
}
