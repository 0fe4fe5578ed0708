package io.kafkabinlog.ordering.app;

import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.schemas.tableinfo.Job;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Builds the application's {@link SchemaSource} from {@code [schema-source]}. */
public final class SchemaSources {
  private SchemaSources() {}

  /**
   * The schema source over TiDB's status API ({@code GET /ddl/history}) at {@code urls}, each
   * request bounded by {@code timeout}.
   */
  public static SchemaSource http(final List<URI> urls, final Duration timeout) {
    return new PlaceholderHttpSchemaSource(urls, timeout);
  }

  /**
   * Stands in for the HTTP schema source while this build does not have it: constructing it does no
   * I/O, and any use fails naming what is missing.
   */
  static final class PlaceholderHttpSchemaSource implements SchemaSource {
    private final List<URI> urls;
    private final Duration timeout;

    PlaceholderHttpSchemaSource(final List<URI> urls, final Duration timeout) {
      this.urls = List.copyOf(urls);
      this.timeout = timeout;
    }

    @Override
    public void forEachJob(final Consumer<Job> consumer) {
      throw unavailable();
    }

    @Override
    public Optional<Job> job(final long jobId) {
      throw unavailable();
    }

    private UnsupportedOperationException unavailable() {
      return new UnsupportedOperationException(
          "this build has no HTTP schema source (schema-source.tidb-status-urls="
              + urls
              + ", timeout "
              + timeout
              + ")");
    }
  }
}
