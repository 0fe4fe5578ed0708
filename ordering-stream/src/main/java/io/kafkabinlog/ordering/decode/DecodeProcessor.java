package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.ordering.decode.OrderedEvent.OrderedTxn;
import io.kafkabinlog.ordering.decode.OrderedEvent.Resolved;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.output.OutputRecord;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 3's processor: decodes each ordered transaction with the schema it ran with and publishes
 * it, publishes DDL and resolved-ts markers, and handles poison by the policy. Everything it
 * decides from is in its stores, so a replay after an aborted transaction decides the same.
 */
final class DecodeProcessor implements Processor<Long, OrderedEvent, byte[], OutputRecord> {
  /**
   * A marker with nothing published since the previous one is skipped unless W's physical time
   * moved at least this far: W advances with every control heartbeat (~100 ms per pump), and
   * without this an idle cluster would write N+1 markers per heartbeat of every pump.
   */
  static final long MARKER_COALESCE_MS = 50;

  private static final Logger LOG = LoggerFactory.getLogger(DecodeProcessor.class);
  private static final Bytes STATE_KEY = Bytes.wrap("state".getBytes(StandardCharsets.UTF_8));
  private static final int DECODER_CACHE = 256;

  private final TopologySettings settings;
  private final SchemaSource source;
  private final OrderingObserver observer;
  private final DdlJobFetcher fetcher;
  private final Map<String, RowChangeDecoder> decoders =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, RowChangeDecoder> eldest) {
          return size() > DECODER_CACHE;
        }
      };
  private ProcessorContext<byte[], OutputRecord> context;
  private SchemaHistory history;
  private KeyValueStore<Bytes, byte[]> stateStore;
  private DecodeState state;

  DecodeProcessor(
      final TopologySettings settings, final SchemaSource source, final OrderingObserver observer) {
    this.settings = settings;
    this.source = source;
    this.observer = observer;
    this.fetcher =
        new DdlJobFetcher(source, settings.ddlFetchAttempts(), settings.ddlFetchBackoff());
  }

  @Override
  public void init(final ProcessorContext<byte[], OutputRecord> context) {
    this.context = context;
    this.history =
        new SchemaHistory(
            context.getStateStore(DecodeStage.TABLES_STORE),
            context.getStateStore(DecodeStage.DATABASES_STORE),
            context.getStateStore(DecodeStage.JOBS_STORE));
    this.stateStore = context.getStateStore(DecodeStage.STATE_STORE);
    byte[] v = stateStore.get(STATE_KEY);
    this.state =
        v == null ? DecodeState.EMPTY : StoredJson.read(v, DecodeState.class, stateStore.name());
  }

  @Override
  public void process(final Record<Long, OrderedEvent> record) {
    OrderedEvent event = record.value();
    if (event instanceof OrderedTxn txn) {
      onTransaction(txn, record.timestamp());
    } else if (event instanceof Resolved resolved) {
      onResolved(resolved.ts(), record.timestamp());
    }
  }

  // ------------------------------------------------------------------ transactions

  private void onTransaction(final OrderedTxn txn, final long timestamp) {
    loadHistoryOnce();
    try {
      BinlogLayout layout;
      try {
        layout = BinlogLayout.scan(txn.payload());
      } catch (MalformedPayloadException e) {
        throw new PoisonException(null, 0, "the binlog does not parse: " + e.getMessage(), e);
      }
      if (layout.isDdl()) {
        onDdl(txn, layout, timestamp);
      } else {
        onDml(txn, layout, timestamp);
      }
    } catch (PoisonException p) {
      poison(txn, p, timestamp);
    }
  }

  /** One logical table's mutations (a partitioned table may have one per partition). */
  private record TableGroup(long logicalId, List<Part> parts) {}

  private record Part(BinlogLayout.Mutation mutation, RowChangeDecoder decoder) {}

  private void onDml(final OrderedTxn txn, final BinlogLayout layout, final long timestamp) {
    List<TableGroup> groups = tables(layout);
    int rows = layout.rowCount();
    if (rows == 0) {
      LOG.debug("transaction commit_ts={} changes no row; nothing to publish", txn.commitTs());
      return;
    }
    if (settings.poisonPolicy() == PoisonPolicy.DEAD_LETTER) {
      // Never a partial transaction: decode everything before the first record goes out.
      decodeAll(txn.payload(), groups, null);
    }
    TxnPublisher publisher =
        new TxnPublisher(
            settings,
            (key, value) -> context.forward(new Record<>(key, value, timestamp)),
            txn.commitTs(),
            txn.startTs(),
            layout.schemaVersion());
    try {
      decodeAll(txn.payload(), groups, publisher);
    } catch (PoisonException p) {
      if (settings.poisonPolicy() == PoisonPolicy.DEAD_LETTER) {
        throw new FatalBinlogException(
            ErrorCode.INTERNAL,
            "transaction commit_ts="
                + txn.commitTs()
                + " decoded when validated but not when published: "
                + p.getMessage(),
            p);
      }
      throw p;
    }
    int published = publisher.finish();
    markPublished();
    observer.published(txn.commitTs(), txn.startTs(), published, false);
  }

  /** The table version of every mutation, grouped by logical table in first-seen order. */
  private List<TableGroup> tables(final BinlogLayout layout) {
    Map<Long, TableGroup> groups = new LinkedHashMap<>();
    for (BinlogLayout.Mutation m : layout.mutations()) {
      Optional<SchemaHistory.Found> found = history.tableAt(m.tableId(), layout.schemaVersion());
      if (found.isEmpty()) {
        throw new PoisonException(
            "table id " + m.tableId(),
            0,
            "no schema for table id "
                + m.tableId()
                + " (the transaction ran at schema version "
                + layout.schemaVersion()
                + ", the history has no such table)",
            null);
      }
      TableVersion table = found.get().table();
      if (table.dropped()) {
        throw new PoisonException(
            table.label() + " (table id " + m.tableId() + ")",
            0,
            "table id "
                + m.tableId()
                + " was dropped or truncated at schema version "
                + found.get().version()
                + " (the transaction ran at schema version "
                + layout.schemaVersion()
                + ")",
            null);
      }
      RowChangeDecoder decoder = decoder(table, found.get().version(), m.tableId());
      groups
          .computeIfAbsent(table.logicalId(), id -> new TableGroup(id, new ArrayList<>()))
          .parts()
          .add(new Part(m, decoder));
    }
    return new ArrayList<>(groups.values());
  }

  private RowChangeDecoder decoder(
      final TableVersion table, final long version, final long physicalId) {
    String key = table.logicalId() + "@" + version;
    RowChangeDecoder decoder = decoders.get(key);
    if (decoder == null) {
      try {
        decoder = new RowChangeDecoder(table);
      } catch (RuntimeException e) {
        throw new PoisonException(
            table.label() + " (table id " + physicalId + ")",
            0,
            "the table's schema (version " + version + ") cannot decode rows: " + e.getMessage(),
            e);
      }
      decoders.put(key, decoder);
    }
    return decoder;
  }

  /** Decodes every row in sequence order; to {@code publisher} unless it is null (validation). */
  private static void decodeAll(
      final FragmentedPayload payload,
      final List<TableGroup> groups,
      final TxnPublisher publisher) {
    for (TableGroup group : groups) {
      if (publisher != null) {
        publisher.beginTable(group.logicalId());
      }
      for (Part part : group.parts()) {
        long physicalId = part.mutation().tableId();
        String where = part.decoder().version().label() + " (table id " + physicalId + ")";
        MutationRows rows = new MutationRows(payload, part.mutation());
        while (rows.hasNext()) {
          MutationRows.Row row;
          try {
            row = rows.next();
          } catch (MalformedPayloadException e) {
            throw new PoisonException(
                where, 0, "the table mutation does not parse: " + e.getMessage(), e);
          }
          RowChangeDecoder.Decoded decoded;
          try {
            decoded =
                switch (row.kind()) {
                  case BinlogLayout.INSERT -> part.decoder().insert(physicalId, row.bytes());
                  case BinlogLayout.UPDATE -> part.decoder().update(physicalId, row.bytes());
                  default -> part.decoder().delete(physicalId, row.bytes());
                };
          } catch (RuntimeException e) {
            throw new PoisonException(
                where,
                0,
                kindName(row.kind())
                    + " row "
                    + row.index()
                    + " does not decode with the table's schema: "
                    + e.getMessage(),
                e);
          }
          if (publisher != null) {
            publisher.add(decoded);
          }
        }
      }
    }
  }

  private static String kindName(final int kind) {
    return switch (kind) {
      case BinlogLayout.INSERT -> "inserted";
      case BinlogLayout.UPDATE -> "updated";
      default -> "deleted";
    };
  }

  // ------------------------------------------------------------------ DDL

  private void onDdl(final OrderedTxn txn, final BinlogLayout layout, final long timestamp) {
    long jobId = layout.ddlJobId();
    if (layout.ddlQuery().trim().toLowerCase(Locale.ROOT).startsWith("select setval")) {
      // TiDB logs sequence values as fake DDL binlogs with a fresh id and no job (drainer skips).
      LOG.debug("sequence-value binlog commit_ts={}: {}", txn.commitTs(), layout.ddlQuery());
      publishSchemaOnly(txn, layout.ddlQuery(), jobId, "", null, timestamp);
      return;
    }
    if (layout.ddlSchemaState() == SchemaState.DELETE_ONLY) {
      // DROP COLUMN's first binlog: the job is not finished (nor in the history) yet; its schema
      // change is applied with the job's final binlog. Published so that every committed
      // transaction is on the txn topic, marked not to be executed.
      LOG.debug(
          "DDL job {} at delete-only (commit_ts={}): applied with its final binlog",
          jobId,
          txn.commitTs());
      publishSchemaOnly(txn, layout.ddlQuery(), jobId, "", null, timestamp);
      return;
    }
    AppliedJob job = history.job(jobId).orElse(null);
    if (job == null) {
      Job fetched =
          fetcher
              .fetch(jobId)
              .orElseThrow(
                  () ->
                      new PoisonException(
                          null,
                          jobId,
                          "DDL job "
                              + jobId
                              + " is not in the schema source's history after "
                              + settings.ddlFetchAttempts()
                              + " attempts "
                              + settings.ddlFetchBackoff().toMillis()
                              + " ms apart",
                          null));
      try {
        job = apply(fetched);
      } catch (BinlogException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new PoisonException(null, jobId, "DDL job " + jobId + " cannot be applied: " + e, e);
      }
    }
    if (!job.applied()) {
      LOG.info(
          "DDL job {} (commit_ts={}) ended in state {} without changing the schema; published"
              + " as schema-only",
          jobId,
          txn.commitTs(),
          job.state());
      publishSchemaOnly(
          txn, layout.ddlQuery(), jobId, nullToEmpty(job.db()), job.table(), timestamp);
      return;
    }
    String query = layout.ddlQuery().isEmpty() ? nullToEmpty(job.query()) : layout.ddlQuery();
    GenericRecord ddl =
        AvroEvents.ddl(query, jobId, nullToEmpty(job.db()), job.table(), job.tableInfoJson());
    GenericRecord value =
        AvroEvents.transaction(txn.commitTs(), txn.startTs(), job.schemaVersion(), List.of(), ddl);
    byte[] commitKey = RowsPartitions.key(txn.commitTs());
    send(commitKey, new OutputRecord.Avro(settings.txnTopic(), 0, value), timestamp);
    if (job.schemaLevel()) {
      for (int p = 0; p < settings.rowsPartitions(); p++) {
        send(commitKey, new OutputRecord.Avro(settings.rowsTopic(), p, value), timestamp);
      }
    } else {
      Set<Integer> sent = new LinkedHashSet<>();
      for (long tableId : job.tableIds()) {
        int p = RowsPartitions.of(tableId, settings.rowsPartitions());
        if (sent.add(p)) {
          send(
              RowsPartitions.key(tableId),
              new OutputRecord.Avro(settings.rowsTopic(), p, value),
              timestamp);
        }
      }
    }
    markPublished();
    observer.published(txn.commitTs(), txn.startTs(), 0, true);
  }

  /**
   * A DDL binlog that changes nothing downstream (Avro {@code schema_only}): on the txn topic only,
   * so that every committed transaction is there once and consumers can move past it.
   */
  private void publishSchemaOnly(
      final OrderedTxn txn,
      final String query,
      final long jobId,
      final String db,
      final String table,
      final long timestamp) {
    GenericRecord ddl = AvroEvents.ddl(query, jobId, db, table, null, true);
    // Schema version 0: such a binlog has none of its own (no prewrite value, no finished job).
    GenericRecord value = AvroEvents.transaction(txn.commitTs(), txn.startTs(), 0, List.of(), ddl);
    send(
        RowsPartitions.key(txn.commitTs()),
        new OutputRecord.Avro(settings.txnTopic(), 0, value),
        timestamp);
    markPublished();
    observer.published(txn.commitTs(), txn.startTs(), 0, true);
  }

  private AppliedJob apply(final Job job) {
    AppliedJob applied = history.apply(job);
    if (applied.applied()) {
      observer.ddlApplied(job.id(), applied.schemaVersion());
      saveState(state.withSchemaVersion(applied.schemaVersion()));
    }
    return applied;
  }

  /** On the first transaction: the whole history, so that every table is known. */
  private void loadHistoryOnce() {
    if (state.initialLoaded()) {
      return;
    }
    int[] counts = new int[2];
    source.forEachJob(
        job -> {
          if (history.job(job.id()).isPresent()) {
            return;
          }
          counts[0]++;
          try {
            if (apply(job).applied()) {
              counts[1]++;
            }
          } catch (BinlogException e) {
            throw e;
          } catch (RuntimeException e) {
            // Left out: if its DDL binlog comes, fetching and applying it again is poison then.
            LOG.warn(
                "DDL job {} of the history cannot be applied, skipped: {}", job.id(), e.toString());
          }
        });
    saveState(state.loaded());
    LOG.info(
        "loaded the DDL history: {} jobs, {} applied, schema version {}",
        counts[0],
        counts[1],
        state.schemaVersion());
  }

  // ------------------------------------------------------------------ resolved ts

  private void onResolved(final long ts, final long timestamp) {
    long last = state.lastMarkerTs();
    if (ts <= last) {
      return;
    }
    if (!state.publishedSinceMarker()
        && last > 0
        && Tso.physicalMillis(ts) - Tso.physicalMillis(last) < MARKER_COALESCE_MS) {
      return;
    }
    byte[] key = RowsPartitions.key(ts);
    send(
        key,
        new OutputRecord.Avro(settings.txnTopic(), 0, AvroEvents.resolvedTs(ts, 0, 1)),
        timestamp);
    int n = settings.rowsPartitions();
    for (int p = 0; p < n; p++) {
      send(
          key,
          new OutputRecord.Avro(settings.rowsTopic(), p, AvroEvents.resolvedTs(ts, p, n)),
          timestamp);
    }
    saveState(state.marker(ts));
  }

  // ------------------------------------------------------------------ poison

  private void poison(final OrderedTxn txn, final PoisonException p, final long timestamp) {
    StringBuilder what = new StringBuilder();
    if (p.table() != null) {
      what.append(p.table()).append(": ");
    }
    if (p.jobId() > 0) {
      what.append("DDL job ").append(p.jobId()).append(": ");
    }
    what.append(p.reason());
    if (settings.poisonPolicy() == PoisonPolicy.STOP) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "cannot publish the transaction commit_ts="
              + txn.commitTs()
              + " start_ts="
              + txn.startTs()
              + (p.table() != null ? " on " + p.table() : "")
              + (p.jobId() > 0 ? " (DDL job " + p.jobId() + ")" : "")
              + ": "
              + p.reason()
              + ". The stream stops here (poison-policy = \"stop\") and publishes nothing of"
              + " this transaction; set poison-policy = \"dead-letter\" to divert such a"
              + " transaction to the dead-letter topic "
              + settings.deadLetterTopic()
              + " and go on",
          p);
    }
    String reason = what.toString();
    FragmentedPayload payload = txn.payload();
    int count = payload.fragmentCount();
    LOG.warn(
        "diverting the transaction commit_ts={} start_ts={} ({} bytes) to {}: {}",
        txn.commitTs(),
        txn.startTs(),
        payload.length(),
        settings.deadLetterTopic(),
        reason);
    byte[] key = RowsPartitions.key(txn.commitTs());
    for (int i = 0; i < count; i++) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(DeadLetterHeaders.COMMIT_TS, RowsPartitions.key(txn.commitTs()));
      headers.add(DeadLetterHeaders.START_TS, RowsPartitions.key(txn.startTs()));
      headers.add(DeadLetterHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
      headers.add(DeadLetterHeaders.FRAGMENT, ByteBuffer.allocate(4).putInt(i).array());
      headers.add(DeadLetterHeaders.FRAGMENT_COUNT, ByteBuffer.allocate(4).putInt(count).array());
      context.forward(
          new Record<byte[], OutputRecord>(
              key,
              new OutputRecord.DeadLetter(settings.deadLetterTopic(), 0, payload.fragment(i)),
              timestamp,
              headers));
    }
    observer.deadLettered(txn.commitTs(), txn.startTs(), reason);
  }

  // ------------------------------------------------------------------ helpers

  private void send(final byte[] key, final OutputRecord value, final long timestamp) {
    context.forward(new Record<>(key, value, timestamp));
  }

  private void markPublished() {
    if (!state.publishedSinceMarker()) {
      saveState(state.published());
    }
  }

  private void saveState(final DecodeState next) {
    if (!next.equals(state)) {
      state = next;
      stateStore.put(STATE_KEY, StoredJson.write(next));
    }
  }

  private static String nullToEmpty(final String s) {
    return s == null ? "" : s;
  }
}
