package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DDL history from TiDB's status API ({@code GET /ddl/history}, port 10080; tidb-sim serves the
 * same). TiDB v8 pages it newest first: {@code ?start_job_id=X&limit=N} gives up to N jobs with id
 * at most X in descending id order ({@code limit} 1..2048), {@code ?limit=N} the newest N. So:
 *
 * <ul>
 *   <li>{@link #job} asks for {@code start_job_id=id&limit=1} and keeps the answer only if it is
 *       that job;
 *   <li>{@link #forEachJob} walks the history newest to oldest once to learn the page boundaries
 *       (keeping only two ids per page), then fetches the pages again oldest first and hands each
 *       over in ascending id order, so at most one page of jobs is in memory however long the
 *       history is. A job finishing meanwhile with an id inside a walked range (TiDB finishes jobs
 *       out of id order) is picked up by the second walk; one newer than the first page is left to
 *       {@link #job}.
 * </ul>
 *
 * Each request goes to the URL that answered last, then to the others in turn. Older TiDB that
 * ignores the parameters (all jobs, ascending) is handled too: answers are filtered to the range
 * asked for and sorted.
 */
public final class HttpSchemaSource implements SchemaSource {
  /** The setting holding the status URLs, named in error messages. */
  public static final String URLS_SETTING = "schema-source.tidb-status-urls";

  /** TiDB's most jobs per request ({@code ddl.DefNumGetDDLHistoryJobs}). */
  public static final int PAGE = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaSource.class);
  private static final ObjectMapper JSON = TableInfoJson.mapper();

  private final List<URI> urls;
  private final Duration timeout;
  private final int pageSize;
  private final HttpClient client;
  private volatile int preferred;

  /**
   * @param tidbStatusUrls TiDB status addresses, e.g. {@code http://tidb-1:10080}; any one serves
   * @param timeout per request (connect and answer)
   */
  public HttpSchemaSource(final List<URI> tidbStatusUrls, final Duration timeout) {
    this(tidbStatusUrls, timeout, PAGE);
  }

  /** With a smaller page size (tests page through short histories). */
  HttpSchemaSource(final List<URI> tidbStatusUrls, final Duration timeout, final int pageSize) {
    if (tidbStatusUrls == null || tidbStatusUrls.isEmpty()) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          URLS_SETTING
              + " is empty: give at least one TiDB status address like"
              + " http://127.0.0.1:10080");
    }
    List<URI> clean = new ArrayList<>();
    for (URI u : tidbStatusUrls) {
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new FatalBinlogException(
            ErrorCode.CONFIG_INVALID,
            URLS_SETTING + " must hold http(s) URLs like http://127.0.0.1:10080, got " + u);
      }
      String s = u.toString();
      clean.add(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s));
    }
    if (pageSize < 1 || pageSize > PAGE) {
      throw new IllegalArgumentException("page size 1.." + PAGE + ": " + pageSize);
    }
    this.urls = List.copyOf(clean);
    this.timeout = timeout;
    this.pageSize = pageSize;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Optional<Job> job(final long jobId) {
    if (jobId < 1) {
      return Optional.empty();
    }
    List<Job> page = fetch("start_job_id=" + jobId + "&limit=1");
    return page.stream().filter(j -> j.id() == jobId).findFirst();
  }

  @Override
  public void forEachJob(final Consumer<Job> consumer) {
    // Walk 1, newest first: the ranges [low, high] that pages cover.
    List<long[]> ranges = new ArrayList<>();
    List<Job> page = sorted(fetch("limit=" + pageSize), Long.MAX_VALUE);
    while (!page.isEmpty()) {
      long high = page.get(page.size() - 1).id();
      long low = page.get(0).id();
      ranges.add(new long[] {low, high});
      if (low <= 1) {
        break;
      }
      page = sorted(fetch("start_job_id=" + (low - 1) + "&limit=" + pageSize), low - 1);
    }
    // Walk 2, oldest first, one range at a time.
    int jobs = 0;
    for (int r = ranges.size() - 1; r >= 0; r--) {
      long low = ranges.get(r)[0];
      long high = ranges.get(r)[1];
      List<Job> range = new ArrayList<>();
      long from = high;
      while (true) {
        List<Job> got = sorted(fetch("start_job_id=" + from + "&limit=" + pageSize), from);
        got.removeIf(j -> j.id() < low);
        range.addAll(got);
        if (got.size() < pageSize || got.get(0).id() <= low) {
          break;
        }
        from = got.get(0).id() - 1;
      }
      range.sort(Comparator.comparingLong(Job::id));
      long previous = Long.MIN_VALUE;
      for (Job j : range) {
        if (j.id() != previous) {
          consumer.accept(j);
          jobs++;
        }
        previous = j.id();
      }
    }
    LOG.info("read {} DDL history jobs from {}", jobs, urls.get(preferred));
  }

  /** Jobs with id at most {@code max}, ascending. */
  private static List<Job> sorted(final List<Job> jobs, final long max) {
    List<Job> out = new ArrayList<>(jobs);
    out.removeIf(j -> j.id() > max);
    out.sort(Comparator.comparingLong(Job::id));
    return out;
  }

  private List<Job> fetch(final String query) {
    List<String> failures = new ArrayList<>();
    boolean onlyRefused = true;
    for (int i = 0; i < urls.size(); i++) {
      int index = (preferred + i) % urls.size();
      URI uri = URI.create(urls.get(index) + "/ddl/history?" + query);
      try {
        HttpResponse<InputStream> response =
            client.send(
                HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          int code = response.statusCode();
          if (code != 200) {
            String text = new String(body.readNBytes(512), StandardCharsets.UTF_8).strip();
            failures.add(uri + ": HTTP " + code + " " + text);
            onlyRefused &= code < 500;
            continue;
          }
          Job[] jobs = JSON.readValue(body, Job[].class);
          if (index != preferred) {
            LOG.info("schema source: using {} ({} failed)", urls.get(index), failures);
            preferred = index;
          }
          return jobs == null ? List.of() : Arrays.asList(jobs);
        }
      } catch (IOException e) {
        failures.add(uri + ": " + e);
        onlyRefused = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableBinlogException(
            ErrorCode.SCHEMA_SOURCE_UNAVAILABLE, "interrupted while reading " + uri, e);
      }
    }
    if (onlyRefused) {
      // Every server answered, and refused: a wrong address or a TiDB without this API.
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "no TiDB status address in "
              + URLS_SETTING
              + " serves GET /ddl/history with start_job_id/limit: "
              + failures
              + "; point "
              + URLS_SETTING
              + " at TiDB (v6.2 or later) status ports");
    }
    throw new RetriableBinlogException(
        ErrorCode.SCHEMA_SOURCE_UNAVAILABLE,
        "the schema source is unavailable: every address in "
            + URLS_SETTING
            + " "
            + urls
            + " failed: "
            + failures
            + "; check that TiDB runs and that "
            + URLS_SETTING
            + " names its status addresses");
  }
}
