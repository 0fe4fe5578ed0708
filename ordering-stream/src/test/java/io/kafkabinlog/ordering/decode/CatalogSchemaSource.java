package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A schema source over a tidb-sim catalog's history, with jobs that can be hidden or an outage. */
final class CatalogSchemaSource implements SchemaSource {
  private final Catalog catalog;
  private final Set<Long> hidden = new HashSet<>();
  private int loads;
  private int jobCalls;
  private boolean down;

  CatalogSchemaSource(final Catalog catalog) {
    this.catalog = catalog;
  }

  /** The job is not in the history (yet). */
  void hide(final long jobId) {
    hidden.add(jobId);
  }

  void unhideAll() {
    hidden.clear();
  }

  void down(final boolean isDown) {
    this.down = isDown;
  }

  int loads() {
    return loads;
  }

  int jobCalls() {
    return jobCalls;
  }

  @Override
  public void forEachJob(final Consumer<Job> consumer) {
    loads++;
    unavailableIfDown();
    for (Job j : catalog.historyJobs()) {
      if (!hidden.contains(j.id())) {
        consumer.accept(j);
      }
    }
  }

  @Override
  public Optional<Job> job(final long jobId) {
    jobCalls++;
    unavailableIfDown();
    return hidden.contains(jobId) ? Optional.empty() : catalog.historyJob(jobId);
  }

  private void unavailableIfDown() {
    if (down) {
      throw new RetriableBinlogException(ErrorCode.SCHEMA_SOURCE_UNAVAILABLE, "test outage");
    }
  }
}
