package io.kafkabinlog.tidbsim.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.CatalogSnapshot;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subset of TiDB's HTTP status API (port 10080) the pipeline reads, plus the sim's own
 * transaction-status and fault endpoints. JSON as TiDB writes it; errors as TiDB's {@code
 * handler.WriteError} writes them (400, the error text as plain body); unknown paths 404.
 *
 * <pre>
 * GET  /status                          {"connections","version","git_hash","status":{...}}
 * GET  /ddl/history[?start_job_id=&amp;limit=]  history jobs, newest first (see DdlHistoryQuery)
 * GET  /schema[?table_id=N]             all DBInfo, or one TableInfo
 * GET  /schema/{db}                     the db's TableInfo list
 * GET  /schema/{db}/{table}             one TableInfo
 * GET  /db-table/{tableID}              {"db_info","table_info","schema_version"}; partition ids too
 * GET  /txn-status/{start_ts}           {"start_ts","status":committed|rolled_back|pending,"commit_ts"}
 * GET  /fault                           {"crash_after_prewrite_remaining","crashed_txns",...}
 * POST /fault/crash-after-prewrite?count=N   arm (0 disarms); answers like GET /fault
 * </pre>
 *
 * <p>The schema endpoints show the current schema only (as TiDB's do); the history is the way to
 * learn older versions.
 */
public final class TidbStatusServer implements AutoCloseable {
  /** What {@code /status} reports: MySQL-compatible version, TiDB release, and that it is a sim. */
  public static final String VERSION = "8.0.11-TiDB-v7.5.0-sim";

  /** {@code /status} git hash: none, this is not a TiDB build. */
  public static final String GIT_HASH = "0000000000000000000000000000000000000000";

  private static final Logger LOG = LoggerFactory.getLogger(TidbStatusServer.class);
  private static final ObjectMapper JSON = TableInfoJson.mapper();

  private final Catalog catalog;
  private final SimTxnStatusService txnStatus;
  private final FaultSwitch faults;
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds {@code host:port} (port 0: any free port); {@link #start} serves.
   *
   * @param catalog the schema and DDL history (a read-only catalog follows another process)
   * @param txnStatus answers {@code /txn-status}; null: the endpoint answers 404
   * @param faults the fault switch of the engine in this process; null: {@code /fault} answers 404
   * @throws FatalBinlogException CONFIG_INVALID if the address cannot be bound
   */
  public TidbStatusServer(
      final String host,
      final int port,
      final Catalog catalog,
      final SimTxnStatusService txnStatus,
      final FaultSwitch faults) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.txnStatus = txnStatus;
    this.faults = faults;
    try {
      this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot bind the TiDB status server to "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); choose another status address/port",
          e);
    }
    this.executor = Executors.newFixedThreadPool(4, DaemonThreads.named("tidb-sim-status-http"));
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  public TidbStatusServer start() {
    server.start();
    LOG.info("TiDB status API on {}", url());
    return this;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** A reply: status, content type, body. */
  private record Reply(int status, String contentType, String body) {
    static Reply json(final Object value) {
      try {
        return new Reply(200, "application/json", JSON.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise " + value.getClass(), e);
      }
    }

    static Reply error(final int status, final String text) {
      return new Reply(status, "text/plain; charset=utf-8", text);
    }
  }

  /** A request error with its HTTP status. */
  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpError(final int status, final String message) {
      super(message);
      this.status = status;
    }
  }

  private void handle(final HttpExchange ex) throws IOException {
    try (ex) {
      Reply reply;
      try {
        reply = route(ex.getRequestMethod(), ex.getRequestURI());
      } catch (HttpError e) {
        reply = Reply.error(e.status, e.getMessage());
      } catch (IllegalArgumentException e) {
        reply = Reply.error(400, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        reply = Reply.error(500, "internal error: " + e);
      }
      final byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private Reply route(final String method, final URI uri) {
    final List<String> p = segments(uri.getPath());
    final Map<String, String> query = query(uri.getRawQuery());
    if (p.isEmpty()) {
      throw notFound();
    }
    final String head = p.get(0);
    if (head.equals("fault")) {
      return fault(method, p, query);
    }
    if (!method.equals("GET")) {
      throw new HttpError(405, "method " + method + " not allowed on " + uri.getPath());
    }
    final Reply reply =
        switch (head) {
          case "status" -> p.size() == 1 ? status() : null;
          case "ddl" ->
              p.size() == 2 && p.get(1).equals("history")
                  ? Reply.json(
                      DdlHistoryQuery.parse(query.get("start_job_id"), query.get("limit"))
                          .select(catalog.historyJobs()))
                  : null;
          case "schema" -> schema(p, query);
          case "db-table" -> p.size() == 2 ? dbTable(p.get(1)) : null;
          case "txn-status" -> p.size() == 2 ? txnStatus(p.get(1)) : null;
          default -> null;
        };
    if (reply == null) {
      throw notFound();
    }
    return reply;
  }

  private Reply status() {
    final ObjectNode node = JSON.createObjectNode();
    node.put("connections", 0);
    node.put("version", VERSION);
    node.put("git_hash", GIT_HASH);
    node.putObject("status").put("init_stats_percentage", 100.0);
    return Reply.json(node);
  }

  private Reply schema(final List<String> p, final Map<String, String> query) {
    if (p.size() > 3) {
      return null;
    }
    final CatalogSnapshot snap = catalog.snapshot();
    if (p.size() == 1) {
      final String tableId = query.get("table_id");
      if (tableId != null && !tableId.isEmpty()) {
        final long id = parseId(tableId, "table_id");
        return Reply.json(snap.tableById(id).orElseThrow(() -> tableIdNotFound(tableId)));
      }
      return Reply.json(snap.databases());
    }
    final String db = p.get(1);
    if (snap.database(db).isEmpty()) {
      throw new IllegalArgumentException("[schema:1049]Unknown database '" + db + "'");
    }
    if (p.size() == 2) {
      return Reply.json(snap.tables(db));
    }
    final String table = p.get(2);
    return Reply.json(
        snap.table(db, table)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "[schema:1146]Table '" + db + "." + table + "' doesn't exist")));
  }

  private Reply dbTable(final String rawId) {
    final long id = parseId(rawId, "tableID");
    final CatalogSnapshot snap = catalog.snapshot();
    final TableInfo table = snap.tableByPhysicalId(id).orElseThrow(() -> tableIdNotFound(rawId));
    final DBInfo db = snap.databaseOfTable(table.id()).orElseThrow(() -> tableIdNotFound(rawId));
    final Map<String, Object> out = new LinkedHashMap<>();
    out.put("db_info", db);
    out.put("table_info", table);
    out.put("schema_version", snap.schemaVersion());
    return Reply.json(out);
  }

  private Reply txnStatus(final String rawTs) {
    if (txnStatus == null) {
      throw new HttpError(404, "transaction status is not served by this process");
    }
    final long startTs;
    try {
      startTs = Long.parseLong(rawTs);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "start_ts must be a positive integer TSO, got '" + rawTs + "'");
    }
    if (startTs <= 0) {
      throw new IllegalArgumentException(
          "start_ts must be a positive integer TSO, got '" + rawTs + "'");
    }
    final TxnStatus status = txnStatus.status(startTs);
    final ObjectNode node = JSON.createObjectNode();
    node.put("start_ts", startTs);
    if (status instanceof TxnStatus.Committed c) {
      node.put("status", "committed");
      node.put("commit_ts", c.commitTs());
    } else if (status instanceof TxnStatus.RolledBack) {
      node.put("status", "rolled_back");
      node.put("commit_ts", 0);
    } else {
      node.put("status", "pending");
      node.put("commit_ts", 0);
    }
    return Reply.json(node);
  }

  private Reply fault(final String method, final List<String> p, final Map<String, String> query) {
    if (faults == null) {
      throw new HttpError(404, "the fault switch is not served by this process");
    }
    if (p.size() == 1 && method.equals("GET")) {
      return faultState();
    }
    if (p.size() == 2 && p.get(1).equals("crash-after-prewrite")) {
      if (!method.equals("POST")) {
        throw new HttpError(405, "use POST /fault/crash-after-prewrite?count=N");
      }
      final String count = query.get("count");
      if (count == null || count.isEmpty()) {
        throw new IllegalArgumentException(
            "count is required: POST /fault/crash-after-prewrite?count=N");
      }
      final int n;
      try {
        n = Integer.parseInt(count);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("count must be an integer >= 0, got '" + count + "'");
      }
      if (n < 0) {
        throw new IllegalArgumentException("count must be an integer >= 0, got '" + count + "'");
      }
      faults.armCrashAfterPrewrite(n);
      LOG.info("fault switch: crash after the next {} prewrites", n);
      return faultState();
    }
    throw notFound();
  }

  private Reply faultState() {
    final FaultSwitch.State s = faults.state();
    final ObjectNode node = JSON.createObjectNode();
    node.put("crash_after_prewrite_remaining", s.remaining());
    node.put("crashed_txns", s.crashedTransactions());
    final ArrayNode recent = node.putArray("recent_crashed_start_ts");
    s.recentCrashedStartTs().forEach(recent::add);
    return Reply.json(node);
  }

  private static long parseId(final String raw, final String what) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "strconv.ParseInt: parsing \"" + raw + "\": invalid syntax (" + what + ")");
    }
  }

  private static IllegalArgumentException tableIdNotFound(final String id) {
    return new IllegalArgumentException("[schema:1146]Table which ID = " + id + " does not exist.");
  }

  private static HttpError notFound() {
    return new HttpError(404, "404 page not found");
  }

  private static List<String> segments(final String path) {
    final List<String> out = new ArrayList<>();
    if (path == null) {
      return out;
    }
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The first value of each parameter (Go's {@code FormValue}). */
  private static Map<String, String> query(final String rawQuery) {
    final Map<String, String> out = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("[&;]")) {
      if (pair.isEmpty()) {
        continue;
      }
      final int eq = pair.indexOf('=');
      final String k =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      final String v =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }
}
