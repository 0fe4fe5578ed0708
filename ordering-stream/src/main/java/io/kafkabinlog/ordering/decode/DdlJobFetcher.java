package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a DDL job by id for a DDL binlog whose job stage 3 has not seen: TiDB adds the job to the
 * history when it finishes, which may be a moment after its binlog was written, so absent jobs are
 * asked for again, {@code attempts} times in all, {@code backoff} apart (on the stream thread: keep
 * attempts x backoff well below {@code max.poll.interval.ms}).
 */
final class DdlJobFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(DdlJobFetcher.class);

  private final SchemaSource source;
  private final int attempts;
  private final Duration backoff;

  DdlJobFetcher(final SchemaSource source, final int attempts, final Duration backoff) {
    this.source = source;
    this.attempts = attempts;
    this.backoff = backoff;
  }

  /**
   * The job, or empty when the source still does not have it after every attempt.
   *
   * @throws RetriableBinlogException SCHEMA_SOURCE_UNAVAILABLE when the last attempt could not
   *     reach the source: that is an outage to wait out, not a poison transaction
   */
  Optional<Job> fetch(final long jobId) {
    for (int i = 1; ; i++) {
      try {
        Optional<Job> job = source.job(jobId);
        if (job.isPresent()) {
          return job;
        }
        if (i >= attempts) {
          return Optional.empty();
        }
        LOG.debug("DDL job {} is not in the history yet (attempt {} of {})", jobId, i, attempts);
      } catch (RetriableBinlogException e) {
        if (i >= attempts) {
          throw e;
        }
        LOG.debug("DDL job {}: schema source unavailable (attempt {} of {})", jobId, i, attempts);
      }
      pause();
    }
  }

  private void pause() {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting to fetch a DDL job again", e);
    }
  }
}
