package io.kafkabinlog.tidbsim.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.datadir.WriterLock;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.HistoryInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.JobState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sim's schema: databases and tables with ids as TiDB assigns them, changed only by DDL jobs
 * that land in a DDL history like TiDB's.
 *
 * <p>Ids: one global allocator (TiDB's meta {@code GenGlobalID}) for schema, table, partition and
 * job ids, starting after {@link #INITIAL_GLOBAL_ID}; column ids from the table's {@code
 * max_col_id}, index ids from {@code max_idx_id}. Each DDL bumps the schema version by one.
 *
 * <p>DDL protocol (the engine holds its DDL lock around it): {@link #plan} validates and allocates
 * ids without changing the schema; the engine writes the DDL binlog(s) the plan describes; {@link
 * #commit} applies the job, bumps the version, appends the job to the history and returns it;
 * {@link #abort} drops a plan (its ids stay used, as in TiDB).
 *
 * <p>Persistence: {@value #HISTORY_FILE} in the data directory (one job JSON per line, forced to
 * disk before {@code commit} returns) and {@value #META_FILE} (the last allocated global id). The
 * schema is rebuilt by replaying the history. One writer per directory (a lock file enforces it);
 * any number of {@link #openReadOnly read-only} catalogs, in any process, follow the history as it
 * grows.
 */
public final class Catalog implements AutoCloseable {
  /** The history file: TiDB's job JSON, one job per line, in commit order. */
  public static final String HISTORY_FILE = "ddl-history.jsonl";

  /** Small metadata: the last allocated global id. */
  public static final String META_FILE = "catalog-meta.json";

  /** Held by the writer. */
  public static final String LOCK_FILE = "catalog.lock";

  /**
   * Global ids at or below this are never allocated (a bootstrapped TiDB has used the low ids for
   * its system databases and tables).
   */
  public static final long INITIAL_GLOBAL_ID = 100;

  /** {@code job.version}: TiDB v7.5 writes JobVersion1. */
  static final long JOB_VERSION = 1;

  /** TiDB's default {@code sql_mode} as recorded in jobs. */
  static final long DEFAULT_SQL_MODE = 1436549152L;

  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dataDir;
  private final boolean readOnly;
  private final Clock clock;
  private final DdlHistoryFile history;
  private final WriterLock writerLock;
  private final SchemaModel model = new SchemaModel();
  private final List<Job> jobs = new ArrayList<>();
  private volatile CatalogSnapshot snapshot;
  private volatile List<Job> jobsView = List.of();
  private long lastGlobalId;
  private boolean closed;

  private Catalog(
      final Path dataDir,
      final boolean readOnly,
      final Clock clock,
      final DdlHistoryFile history,
      final WriterLock writerLock) {
    this.dataDir = dataDir;
    this.readOnly = readOnly;
    this.clock = clock;
    this.history = history;
    this.writerLock = writerLock;
    this.snapshot = model.snapshot();
  }

  /** Opens (or creates) the catalog in {@code dataDir} for writing DDL. */
  public static Catalog open(final Path dataDir) {
    return open(dataDir, Clock.systemUTC());
  }

  /**
   * Opens (or creates) the catalog for writing; {@code clock} gives the DDL time used for {@code
   * DEFAULT CURRENT_TIMESTAMP} origin defaults.
   *
   * @throws FatalBinlogException CONFIG_INVALID if another process (or catalog) writes to the
   *     directory; MALFORMED_INPUT if the history cannot be read
   */
  public static Catalog open(final Path dataDir, final Clock clock) {
    WriterLock writerLock = null;
    try {
      writerLock = WriterLock.acquire(dataDir, LOCK_FILE, () -> alreadyOpen(dataDir));
      final DdlHistoryFile history = DdlHistoryFile.openForWrite(dataDir.resolve(HISTORY_FILE));
      final Catalog catalog = new Catalog(dataDir, false, clock, history, writerLock);
      catalog.replayNewLines();
      history.truncateTornTail();
      catalog.lastGlobalId =
          Math.max(INITIAL_GLOBAL_ID, Math.max(catalog.model.maxAllocatedId(), readMeta(dataDir)));
      LOG.info(
          "catalog {}: {} history jobs, schema version {}, last global id {}",
          dataDir,
          catalog.jobs.size(),
          catalog.model.schemaVersion(),
          catalog.lastGlobalId);
      return catalog;
    } catch (IOException e) {
      closeQuietly(writerLock);
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "cannot open the catalog in " + dataDir + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(writerLock);
      throw e;
    }
  }

  /**
   * Opens the catalog in {@code dataDir} for reading only. The directory need not exist yet; every
   * query first reads history lines appended since (by the writer, in any process).
   */
  public static Catalog openReadOnly(final Path dataDir) {
    final Catalog catalog =
        new Catalog(
            dataDir,
            true,
            Clock.systemUTC(),
            DdlHistoryFile.openForRead(dataDir.resolve(HISTORY_FILE)),
            null);
    catalog.refresh();
    return catalog;
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * Validates {@code statement} against the current schema and allocates its ids; changes nothing
   * else.
   *
   * @throws DdlException if TiDB would reject the statement
   */
  public synchronized DdlPlan plan(final DdlStatement statement) {
    requireWritable();
    final long[] next = {lastGlobalId};
    final DdlPlan plan =
        DdlPlanner.plan(this, statement, snapshot, () -> ++next[0], clock.instant());
    lastGlobalId = next[0];
    writeMeta();
    return plan;
  }

  /** {@link #commit(DdlPlan, long, long)} with the commit ts as the job's start ts too. */
  public Job commit(final DdlPlan plan, final long commitTs) {
    return commit(plan, commitTs, commitTs);
  }

  /**
   * Applies a plan: bumps the schema version, appends the finished job (state synced, {@code
   * binlog.FinishedTS = commitTs}) to the history on disk, and returns it.
   *
   * @param startTs the start ts of the DDL's (final) binlog transaction: the job's {@code
   *     start_ts}/{@code real_start_ts} and the table's {@code update_timestamp}
   * @throws IllegalStateException if the plan is not this catalog's or the schema changed since it
   *     was made (plan again)
   */
  public synchronized Job commit(final DdlPlan plan, final long startTs, final long commitTs) {
    requireWritable();
    if (plan.owner() != this) {
      throw new IllegalStateException("plan " + plan + " was made by another catalog");
    }
    if (plan.baseSchemaVersion() != model.schemaVersion()) {
      throw new IllegalStateException(
          "plan "
              + plan
              + " was made at schema version "
              + plan.baseSchemaVersion()
              + " but the schema is at "
              + model.schemaVersion()
              + "; plan the DDL again");
    }
    final long version = model.schemaVersion() + 1;
    final TableInfo table =
        plan.tableInfo().map(t -> TableInfos.stamped(t, startTs, t.state())).orElse(null);
    final HistoryInfo info =
        new HistoryInfo(version, plan.dbInfo().orElse(null), table, commitTs, null);
    final Job job =
        new Job(
            plan.jobId(),
            plan.actionType(),
            plan.schemaId(),
            plan.tableId(),
            plan.schemaName(),
            plan.tableName(),
            JobState.SYNCED,
            null,
            0,
            0,
            null,
            plan.finalSchemaState(),
            0,
            startTs,
            startTs,
            0,
            plan.query(),
            info,
            JOB_VERSION,
            0,
            jobs.size() + 1,
            "",
            "",
            DEFAULT_SQL_MODE);
    try {
      history.append(job);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL,
          "cannot append DDL job " + job.id() + " to " + history.path() + ": " + e,
          e);
    }
    applyJob(job);
    LOG.info(
        "DDL job {} committed at {}: schema version {}: {}",
        job.id(),
        commitTs,
        version,
        job.query());
    return job;
  }

  /** Drops a plan that will not be committed; the schema is unchanged. */
  public void abort(final DdlPlan plan) {
    requireWritable();
    if (plan.owner() != this) {
      throw new IllegalStateException("plan " + plan + " was made by another catalog");
    }
    LOG.info("DDL job {} aborted: {}", plan.jobId(), plan.query());
  }

  /** The current schema (read-only catalogs first read new history lines). */
  public CatalogSnapshot snapshot() {
    if (readOnly) {
      refresh();
    }
    return snapshot;
  }

  public long schemaVersion() {
    return snapshot().schemaVersion();
  }

  public List<DBInfo> databases() {
    return snapshot().databases();
  }

  public Optional<DBInfo> database(final String name) {
    return snapshot().database(name);
  }

  public List<TableInfo> tables(final String db) {
    return snapshot().tables(db);
  }

  public Optional<TableInfo> table(final String db, final String table) {
    return snapshot().table(db, table);
  }

  public Optional<TableInfo> tableById(final long tableId) {
    return snapshot().tableById(tableId);
  }

  /** All history jobs, in commit order (ascending job id). */
  public List<Job> historyJobs() {
    if (readOnly) {
      refresh();
    }
    return jobsView;
  }

  /** A history job by id. */
  public Optional<Job> historyJob(final long jobId) {
    for (Job j : historyJobs()) {
      if (j.id() == jobId) {
        return Optional.of(j);
      }
    }
    return Optional.empty();
  }

  /** The last global id allocated (writer), for tests and status. */
  public synchronized long lastGlobalId() {
    return lastGlobalId;
  }

  /** Reads history lines appended since the last read (read-only catalogs do it on each query). */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    try {
      replayNewLines();
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "cannot read " + history.path() + ": " + e, e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    history.close();
    closeQuietly(writerLock);
  }

  private void replayNewLines() throws IOException {
    final List<Job> fresh = history.readNew();
    for (Job job : fresh) {
      model.apply(job);
      jobs.add(job);
    }
    if (!fresh.isEmpty()) {
      snapshot = model.snapshot();
      jobsView = Collections.unmodifiableList(new ArrayList<>(jobs));
    }
  }

  private void applyJob(final Job job) {
    model.apply(job);
    jobs.add(job);
    snapshot = model.snapshot();
    jobsView = Collections.unmodifiableList(new ArrayList<>(jobs));
  }

  private void requireWritable() {
    if (readOnly) {
      throw new IllegalStateException("catalog in " + dataDir + " is open read-only");
    }
    if (closed) {
      throw new IllegalStateException("catalog in " + dataDir + " is closed");
    }
  }

  private void writeMeta() {
    final Path target = dataDir.resolve(META_FILE);
    final Path tmp = dataDir.resolve(META_FILE + ".tmp");
    final byte[] body =
        JSON.createObjectNode()
            .put("last_global_id", lastGlobalId)
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(body));
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new FatalBinlogException(ErrorCode.INTERNAL, "cannot write " + target + ": " + e, e);
    }
  }

  private static long readMeta(final Path dataDir) throws IOException {
    final Path file = dataDir.resolve(META_FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    final JsonNode node = JSON.readTree(Files.readAllBytes(file));
    return node.path("last_global_id").asLong(0);
  }

  private static FatalBinlogException alreadyOpen(final Path dataDir) {
    return new FatalBinlogException(
        ErrorCode.CONFIG_INVALID,
        "the catalog in "
            + dataDir
            + " is already open for writing by another process or catalog; use another data"
            + " directory or open it read-only");
  }

  private static void closeQuietly(final WriterLock writerLock) {
    if (writerLock != null) {
      writerLock.close();
    }
  }
}
