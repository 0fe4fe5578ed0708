package io.kafkabinlog.tidbsim.status;

import io.kafkabinlog.schemas.tableinfo.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * TiDB's {@code GET /ddl/history} parameters and paging, as the current pingcap/tidb code line
 * (v8.x: {@code pkg/server/handler/tikvhandler/tikv_handler.go DDLHistoryJobHandler} and {@code
 * pkg/ddl/ddl_history.go ScanHistoryDDLJobs}, which defaults to the newest {@code
 * DefNumGetDDLHistoryJobs} jobs) has them:
 *
 * <ul>
 *   <li>the answer is in <b>descending</b> job id order;
 *   <li>no parameter: the newest {@value #MAX_LIMIT} jobs;
 *   <li>{@code limit=N} (1..{@value #MAX_LIMIT}): the newest N jobs;
 *   <li>{@code start_job_id=X&limit=N}: up to N jobs with id &le; X (X inclusive), so {@code
 *       start_job_id=X&limit=1} fetches job X if it exists;
 *   <li>{@code start_job_id} without {@code limit} is an error, as are values below 1, a limit
 *       above {@value #MAX_LIMIT}, and non-integers (Go's {@code strconv.Atoi} message);
 *   <li>an empty value ({@code ?limit=}) counts as absent, as Go's {@code FormValue} makes it.
 * </ul>
 *
 * Older TiDB returned all jobs ascending ({@code limit} = the last N) and some intermediate
 * versions returned nothing without parameters; clients should always pass {@code limit}.
 */
public record DdlHistoryQuery(long startJobId, int limit) {
  /** {@code ddl.DefNumGetDDLHistoryJobs}: the most jobs one request returns. */
  public static final int MAX_LIMIT = 2048;

  /** Parses the raw parameter values (null or empty = absent). */
  public static DdlHistoryQuery parse(final String startJobIdValue, final String limitValue) {
    long startJobId = 0;
    int limit = 0;
    if (startJobIdValue != null && !startJobIdValue.isEmpty()) {
      startJobId = atoi(startJobIdValue);
      if (startJobId < 1) {
        throw new IllegalArgumentException("ddl history start_job_id must be greater than 0");
      }
    }
    if (limitValue != null && !limitValue.isEmpty()) {
      final long l = atoi(limitValue);
      if (l < 1 || l > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "ddl history limit must be greater than 0 and less than or equal to " + MAX_LIMIT);
      }
      limit = (int) l;
    }
    if (startJobId > 0 && limit == 0) {
      throw new IllegalArgumentException(
          "when 'start_job_id' is specified, it must work with a 'limit'");
    }
    return new DdlHistoryQuery(startJobId, limit == 0 ? MAX_LIMIT : limit);
  }

  /** The page of {@code ascending} (jobs in ascending id order) this query selects, descending. */
  public List<Job> select(final List<Job> ascending) {
    final List<Job> out = new ArrayList<>();
    for (int i = ascending.size() - 1; i >= 0 && out.size() < limit; i--) {
      final Job j = ascending.get(i);
      if (startJobId == 0 || j.id() <= startJobId) {
        out.add(j);
      }
    }
    return out;
  }

  /** Go's {@code strconv.Atoi} on a 64-bit platform, with its error text. */
  private static long atoi(final String s) {
    boolean digits = !s.isEmpty();
    for (int i = 0; i < s.length(); i++) {
      final char c = s.charAt(i);
      final boolean sign = i == 0 && (c == '+' || c == '-') && s.length() > 1;
      if (!sign && (c < '0' || c > '9')) {
        digits = false;
        break;
      }
    }
    if (!digits) {
      throw new IllegalArgumentException("strconv.Atoi: parsing \"" + s + "\": invalid syntax");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "strconv.Atoi: parsing \"" + s + "\": value out of range", e);
    }
  }
}
