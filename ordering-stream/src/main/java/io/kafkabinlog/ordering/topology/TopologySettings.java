package io.kafkabinlog.ordering.topology;

import io.kafkabinlog.common.kafka.TopicNames;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the ordering topology is built from; validated config reduces to this.
 *
 * @param fragmentBytes size of the fragments a transaction's binlog is kept and moved in (stage 1
 *     and 2 stores, merge topic); bounds memory per transaction
 * @param watermarkInterval how often stage 1 sends a changed M_p (wall clock); zero sends it after
 *     every record that changed it
 * @param outputMaxRows most row changes in one published Transaction record (a larger transaction
 *     is published as several fragment records)
 * @param outputMaxBytes most encoded row bytes in one published record, likewise
 * @param ddlFetchAttempts attempts at fetching a DDL job before it counts as poison
 * @param ddlFetchBackoff pause between those attempts
 */
public record TopologySettings(
    String rawTopic,
    String resolutionsTopic,
    String controlTopic,
    String txnTopic,
    String rowsTopic,
    String deadLetterTopic,
    int rowsPartitions,
    int fragmentBytes,
    Duration watermarkInterval,
    int outputMaxRows,
    int outputMaxBytes,
    int ddlFetchAttempts,
    Duration ddlFetchBackoff,
    PoisonPolicy poisonPolicy) {

  public static final int DEFAULT_FRAGMENT_BYTES = 256 * 1024;

  public TopologySettings {
    Objects.requireNonNull(rawTopic, "rawTopic");
    Objects.requireNonNull(resolutionsTopic, "resolutionsTopic");
    Objects.requireNonNull(controlTopic, "controlTopic");
    Objects.requireNonNull(txnTopic, "txnTopic");
    Objects.requireNonNull(rowsTopic, "rowsTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    Objects.requireNonNull(watermarkInterval, "watermarkInterval");
    Objects.requireNonNull(ddlFetchBackoff, "ddlFetchBackoff");
    Objects.requireNonNull(poisonPolicy, "poisonPolicy");
    if (rowsPartitions < 1 || fragmentBytes < 1024 || outputMaxRows < 1 || outputMaxBytes < 1024) {
      throw new IllegalArgumentException(
          "rowsPartitions >= 1, fragmentBytes >= 1024, outputMaxRows >= 1, outputMaxBytes >= 1024");
    }
    if (ddlFetchAttempts < 1) {
      throw new IllegalArgumentException("ddlFetchAttempts >= 1");
    }
  }

  /** Defaults for a cluster's topic names (tests, benchmarks). */
  public static TopologySettings defaults(final TopicNames names, final int rowsPartitions) {
    return new TopologySettings(
        names.raw(),
        names.resolutions(),
        names.control(),
        names.txn(),
        names.rows(),
        names.deadLetter(),
        rowsPartitions,
        DEFAULT_FRAGMENT_BYTES,
        Duration.ofMillis(20),
        1000,
        512 * 1024,
        5,
        Duration.ofSeconds(1),
        PoisonPolicy.STOP);
  }

  public TopologySettings withPoisonPolicy(final PoisonPolicy policy) {
    return new TopologySettings(
        rawTopic,
        resolutionsTopic,
        controlTopic,
        txnTopic,
        rowsTopic,
        deadLetterTopic,
        rowsPartitions,
        fragmentBytes,
        watermarkInterval,
        outputMaxRows,
        outputMaxBytes,
        ddlFetchAttempts,
        ddlFetchBackoff,
        policy);
  }

  public TopologySettings withFragmentBytes(final int bytes) {
    return new TopologySettings(
        rawTopic,
        resolutionsTopic,
        controlTopic,
        txnTopic,
        rowsTopic,
        deadLetterTopic,
        rowsPartitions,
        bytes,
        watermarkInterval,
        outputMaxRows,
        outputMaxBytes,
        ddlFetchAttempts,
        ddlFetchBackoff,
        poisonPolicy);
  }

  public TopologySettings withWatermarkInterval(final Duration interval) {
    return new TopologySettings(
        rawTopic,
        resolutionsTopic,
        controlTopic,
        txnTopic,
        rowsTopic,
        deadLetterTopic,
        rowsPartitions,
        fragmentBytes,
        interval,
        outputMaxRows,
        outputMaxBytes,
        ddlFetchAttempts,
        ddlFetchBackoff,
        poisonPolicy);
  }
}
