package io.kafkabinlog.bench.ordering;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's upstream: one table {@code bench.t} made by tidb-sim's catalog (so its schema is
 * real TiDB TableInfo JSON), and raw-topic records as pumps write them: per transaction a prewrite
 * with {@code rowsPerTxn} inserted rows and its commit, round-robin over the partitions, then a
 * fake binlog closing every partition; the control topic gets a JOIN per partition and a heartbeat
 * above everything, so the merge is gated by the data alone.
 */
final class BenchWorkload {
  private final Catalog catalog;
  private final TableInfo table;
  private final int rowsPerTxn;

  private BenchWorkload(final Catalog catalog, final TableInfo table, final int rowsPerTxn) {
    this.catalog = catalog;
    this.table = table;
    this.rowsPerTxn = rowsPerTxn;
  }

  static BenchWorkload create(final Path catalogDir, final int rowsPerTxn) {
    final Catalog catalog = Catalog.open(catalogDir);
    final long ts = Tso.fromInstant(Instant.now().minusSeconds(60));
    catalog.commit(catalog.plan(new DdlStatement.CreateDatabase("bench")), ts);
    final TableSpec spec =
        TableSpec.builder("t")
            .column(ColumnSpec.bigint("id"))
            .column(ColumnSpec.varchar("v", 64))
            .column(ColumnSpec.integer("n"))
            .primaryKey("id")
            .build();
    catalog.commit(catalog.plan(new DdlStatement.CreateTable("bench", spec)), ts + 1);
    final TableInfo table = catalog.table("bench", "t").orElseThrow();
    return new BenchWorkload(catalog, table, rowsPerTxn);
  }

  /** The catalog's DDL history, as TiDB's /ddl/history would serve it. */
  SchemaSource schemaSource() {
    return new SchemaSource() {
      @Override
      public void forEachJob(final Consumer<Job> consumer) {
        catalog.historyJobs().stream()
            .sorted(java.util.Comparator.comparingLong(Job::id))
            .forEach(consumer);
      }

      @Override
      public Optional<Job> job(final long jobId) {
        return catalog.historyJob(jobId);
      }
    };
  }

  /** Writes the workload; returns the number of raw records written. */
  long fill(
      final String bootstrap, final TopicNames names, final int partitions, final int transactions)
      throws Exception {
    final Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    final RowCodec codec = new RowCodec(table);
    final long columnV = column("v").id();
    final long columnN = column("n").id();
    final String filler = "x".repeat(48);
    long records = 0;
    final long base = Tso.fromInstant(Instant.now());
    long ts = base;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int p = 0; p < partitions; p++) {
        control(producer, names, PumpControl.Kind.JOIN, p, base - 1);
      }
      long id = 0;
      for (int i = 0; i < transactions; i++) {
        final int partition = i % partitions;
        final long startTs = ts + 1;
        final long commitTs = ts + 2;
        ts += 3;
        final TableMutation.Builder mutation = TableMutation.newBuilder().setTableId(table.id());
        for (int r = 0; r < rowsPerTxn; r++) {
          id++;
          final Map<Long, Object> values = new LinkedHashMap<>();
          values.put(columnV, filler + id);
          values.put(columnN, id % 1000);
          mutation.addInsertedRows(
              ByteString.copyFrom(codec.encodeInserted(new Handle.IntHandle(id), values)));
          mutation.addSequence(MutationType.Insert);
        }
        final Binlog prewrite =
            Binlogs.prewrite(
                startTs,
                ByteString.copyFrom(Long.toString(id), StandardCharsets.US_ASCII),
                PrewriteValue.newBuilder()
                    .setSchemaVersion(catalog.schemaVersion())
                    .addMutations(mutation)
                    .build());
        raw(producer, names, partition, prewrite);
        raw(producer, names, partition, Binlogs.commit(startTs, commitTs));
        records += 2;
      }
      final long end = ts + 10;
      for (int p = 0; p < partitions; p++) {
        raw(producer, names, p, Binlogs.fake(end + p));
        records++;
      }
      control(producer, names, PumpControl.Kind.HEARTBEAT, 0, end + partitions + 1);
      producer.flush();
    }
    return records;
  }

  private ColumnInfo column(final String name) {
    return table.cols().stream()
        .filter(c -> c.name().o().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no column " + name + " in " + table.name()));
  }

  private static void raw(
      final KafkaProducer<byte[], byte[]> producer,
      final TopicNames names,
      final int partition,
      final Binlog binlog) {
    final RecordHeaders headers = new RecordHeaders();
    headers.add(
        RawRecords.BINLOG_HEADER,
        new BinlogHeader(binlog.getTp(), binlog.getStartTs(), binlog.getCommitTs()).encode());
    producer.send(
        new ProducerRecord<>(
            names.raw(),
            partition,
            null,
            RawRecords.key(binlog.getStartTs()),
            binlog.toByteArray(),
            headers));
  }

  private static void control(
      final KafkaProducer<byte[], byte[]> producer,
      final TopicNames names,
      final PumpControl.Kind kind,
      final int partition,
      final long ts) {
    final PumpControl record =
        PumpControl.newBuilder()
            .setKind(kind)
            .setNodeId("bench-" + partition)
            .setPartition(partition)
            .setTs(ts)
            .setRawOffset(-1)
            .build();
    producer.send(
        new ProducerRecord<>(
            names.control(),
            0,
            ("bench-" + partition).getBytes(StandardCharsets.UTF_8),
            record.toByteArray()));
  }
}
