package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.engine.GeneratedCommit;
import io.kafkabinlog.tidbsim.engine.GeneratedInsert;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.PayloadRowGenerator;
import io.kafkabinlog.tidbsim.expected.RowGenerator;
import io.kafkabinlog.tidbsim.mutation.GeneratedPrewrite;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One huge transaction: {@code --size} bytes of row data inserted into {@code large.big (id BIGINT
 * PRIMARY KEY, payload LONGBLOB)} in a single transaction, generated while its prewrite binlog is
 * written, so neither the rows nor a second copy of the binlog are ever held (see {@link
 * SimCluster#commitGenerated}). A second run on the same data adds rows at the next ids.
 *
 * <p>Rows are {@value #ROW_BYTES} bytes or a little less (the size is split evenly over the rows):
 * a 1 GiB transaction has 4096 rows, and each row stays far below MariaDB's default {@code
 * max_allowed_packet} (16 MiB since 10.2.4) even hex-escaped in a batch of 20 rows, and below
 * Kafka's default 1 MiB record.
 */
public final class LargeWorkload implements Workload {
  static final String DATABASE = "large";
  static final String TABLE = "big";

  /** Row data per row, at most. */
  public static final int ROW_BYTES = 256 << 10;

  /**
   * The largest {@code --size}: the binlog (at most {@link GeneratedPrewrite#MAX_BINLOG_BYTES},
   * about 2 GiB, one gRPC message to a pump) also carries per-row framing and keys.
   */
  public static final long MAX_SIZE_BYTES = GeneratedPrewrite.MAX_BINLOG_BYTES - (16L << 20);

  private static final Logger LOG = LoggerFactory.getLogger(LargeWorkload.class);

  private final RowGenerator generator;

  public LargeWorkload() {
    this(new PayloadRowGenerator());
  }

  /** With another generator of rows shaped as {@link PayloadRowGenerator}'s. */
  public LargeWorkload(final RowGenerator generator) {
    this.generator = Objects.requireNonNull(generator, "generator");
  }

  @Override
  public String name() {
    return "large";
  }

  /** The table: column ids 1 and 2, as {@link PayloadRowGenerator} writes them. */
  static TableSpec bigSpec() {
    return TableSpec.builder(TABLE)
        .column(ColumnSpec.bigint("id").notNull())
        .column(ColumnSpec.of("payload", ColumnSpec.Kind.LONGBLOB).notNull())
        .primaryKey("id")
        .build();
  }

  /** Rows and bytes per row for {@code sizeBytes} of row data: rows of at most ROW_BYTES. */
  static GeneratedInsert plan(
      final String db, final long seed, final long firstId, final long sizeBytes) {
    if (sizeBytes < 1) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "the large workload needs --size of at least 1 byte, got " + sizeBytes);
    }
    if (sizeBytes > MAX_SIZE_BYTES) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "--size="
              + sizeBytes
              + " bytes is over the largest transaction tidb-sim can send, "
              + MAX_SIZE_BYTES
              + " bytes: its prewrite binlog must fit one Java array and one gRPC message to a"
              + " pump (about 2 GiB); use a smaller --size");
    }
    long count = (sizeBytes + ROW_BYTES - 1) / ROW_BYTES;
    int rowBytes = (int) ((sizeBytes + count - 1) / count);
    return new GeneratedInsert(db, TABLE, seed, firstId, count, rowBytes);
  }

  @Override
  public void run(final SimCluster sim, final WorkloadOptions options, final Progress progress) {
    String db = options.databaseOr(DATABASE);
    plan(db, options.seed(), 1, options.largeBytes()); // refuse a bad --size before any DDL
    TableInfo big =
        Schemas.ensureTable(sim, db, bigSpec(), PayloadRowGenerator.createTableSql(TABLE));
    GeneratedInsert insert =
        plan(db, options.seed(), sim.nextGeneratedId(big.id()), options.largeBytes());
    LOG.info(
        "large: one transaction of {} rows x {} bytes into {}.{} (ids {} on)",
        insert.count(),
        insert.rowBytes(),
        db,
        TABLE,
        insert.firstId());
    GeneratedCommit commit =
        sim.commitGenerated(
            insert,
            generator,
            (pass, done, total, bytes) ->
                progress.step(
                    pass == GeneratedPrewrite.Pass.SIZING ? "sizing" : "writing",
                    done,
                    total,
                    bytes));
    LOG.info(
        "large: committed start_ts={} commit_ts={}, prewrite binlog {} bytes",
        commit.startTs(),
        commit.commitTs(),
        commit.binlogBytes());
    progress.tick();
    progress.done();
  }
}
