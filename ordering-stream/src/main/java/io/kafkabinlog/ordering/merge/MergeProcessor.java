package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.decode.OrderedEvent;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2: buffers every pump's committed transactions and hands them on in commit_ts order once
 * the resolved ts W passes them.
 *
 * <p>W advances, after each input record, to W' = min(H, min over members of (M_p, or J before the
 * member's first watermark)), or to H with no members, where H is the newest control heartbeat
 * read. Why no transaction can then arrive with commit_ts <= W':
 *
 * <ul>
 *   <li>A member p: stage 1 of p sends every fragment of a transaction before any watermark
 *       covering its commit_ts, so all of p's transactions with commit_ts <= M_p are buffered
 *       already. Before p's first watermark, J stands in: p took J as a fresh TSO before it went
 *       online, so all its commit_ts are above J (a restarted member keeps its M_p and old J).
 *   <li>A pump whose JOIN stage 2 has not read yet: the control topic is one partition, so it wrote
 *       its JOIN after every heartbeat already read, and it went online (could take prewrites) only
 *       after its JOIN was written. Each heartbeat ts is a TSO allocated before its write, so all
 *       that pump's commit_ts are above every heartbeat read: above H >= W'. Its fragments are
 *       buffered all the same (they wait above W) and its watermarks remembered.
 *   <li>A pump that left: it is dropped only once its M_p >= L, where L is the final fake binlog it
 *       wrote as the last record of its partition, so nothing of it is still in flight.
 * </ul>
 *
 * <p>Exact duplicates (TiDB retried a prewrite on a second pump, so two partitions carry the same
 * start_ts and commit_ts): the first partition whose fragment arrives keeps the transaction; the
 * other copy is dropped, before emission against the txn index, after emission against the {@link
 * EmittedWindow}. Any other transaction with commit_ts <= W is late: an ordering violation that
 * stops the pipeline.
 *
 * <p>All state lives in the stores (W, H, membership, buffered fragments), so a restart (or a move
 * of the task) continues where the last commit left off; the in-memory copies are reloaded in
 * {@link #init}.
 */
final class MergeProcessor implements Processor<Integer, MergeInput, Long, OrderedEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(MergeProcessor.class);

  // Transactions read from the txn index per scan while emitting.
  private static final int EMIT_BATCH = 256;

  private final OrderingObserver observer;
  private ProcessorContext<Long, OrderedEvent> context;
  private TxnBuffer buffer;
  private EmittedWindow emitted;
  private Membership membership;
  private KeyValueStore<String, MergeProgress> progressStore;
  private MergeProgress progress;

  MergeProcessor(final OrderingObserver observer) {
    this.observer = observer;
  }

  @Override
  public void init(final ProcessorContext<Long, OrderedEvent> processorContext) {
    this.context = processorContext;
    MergeStores stores = MergeStores.from(processorContext);
    buffer = new TxnBuffer(stores.fragments(), stores.txns());
    emitted = new EmittedWindow(stores.emitted());
    membership = new Membership(stores.pumps(), observer);
    progressStore = stores.progress();
    MergeProgress stored = progressStore.get(MergeStores.PROGRESS_KEY);
    progress = stored == null ? MergeProgress.INITIAL : stored;
    LOG.info(
        "stage 2 starts at resolved ts {} (heartbeat {}), {} transactions buffered",
        progress.resolvedTs(),
        progress.heartbeatTs(),
        buffer.size());
    observer.resolvedTs(progress.resolvedTs());
    observer.heartbeat(progress.heartbeatTs());
    observer.buffered(buffer.size());
  }

  @Override
  public void process(final Record<Integer, MergeInput> record) {
    MergeInput input = record.value();
    if (input instanceof MergeMessage.TxnFragment fragment) {
      onFragment(fragment);
    } else if (input instanceof MergeMessage.PumpWatermark watermark) {
      membership.watermark(watermark.partition(), watermark.ts());
    } else if (input instanceof ControlMessage control) {
      onControl(control);
    } else {
      LOG.warn("stage 2 skips an empty record (key {})", record.key());
      return;
    }
    advance(record.timestamp());
  }

  private void onFragment(final MergeMessage.TxnFragment f) {
    TxnId txn = new TxnId(f.commitTs(), f.startTs());
    if (f.commitTs() <= progress.resolvedTs()) {
      if (!emitted.contains(txn)) {
        throw late(f);
      }
      duplicate(f, txn, "after it was emitted");
      return;
    }
    BufferedTxn existing = buffer.get(txn);
    if (existing != null && existing.partition() != f.partition()) {
      duplicate(f, txn, "kept from raw partition " + existing.partition());
      return;
    }
    buffer.store(f, existing);
    if (existing == null) {
      observer.buffered(buffer.size());
    }
  }

  private void duplicate(final MergeMessage.TxnFragment f, final TxnId txn, final String why) {
    // Each copy's fragments come in index order: count the copy once, at its first fragment.
    if (f.index() == 0) {
      LOG.debug(
          "dropping a duplicate of transaction {} from raw partition {} ({})",
          txn,
          f.partition(),
          why);
      observer.duplicate(f.startTs(), f.commitTs());
    }
  }

  private FatalBinlogException late(final MergeMessage.TxnFragment f) {
    return new FatalBinlogException(
        ErrorCode.ORDERING_VIOLATION,
        "late transaction: start_ts "
            + f.startTs()
            + " commit_ts "
            + f.commitTs()
            + " from raw partition "
            + f.partition()
            + membership.nodeId(f.partition()).map(n -> " (pump " + n + ")").orElse("")
            + " arrived after resolved ts W="
            + progress.resolvedTs()
            + " was emitted; the pump's watermark or membership broke the ordering invariant");
  }

  private void onControl(final ControlMessage c) {
    switch (c.kind()) {
      case HEARTBEAT -> {
        if (c.ts() > progress.heartbeatTs()) {
          saveProgress(progress.withHeartbeat(c.ts()));
          observer.heartbeat(progress.heartbeatTs());
        }
      }
      case JOIN -> membership.join(c);
      case LEAVE -> membership.leave(c);
    }
  }

  private void advance(final long timestamp) {
    long target = membership.gate(progress.heartbeatTs());
    if (target <= progress.resolvedTs()) {
      return;
    }
    int before = buffer.size();
    emitUpTo(target, timestamp);
    saveProgress(progress.withResolved(target));
    context.forward(new Record<>(target, new OrderedEvent.Resolved(target), timestamp));
    observer.resolvedTs(target);
    if (buffer.size() != before) {
      observer.buffered(buffer.size());
    }
    emitted.prune(target);
  }

  private void emitUpTo(final long target, final long timestamp) {
    // Everything buffered is above W (a fragment at or below W is never stored), so the scan
    // starts there and skips the deleted entries of earlier emissions.
    TxnId from = new TxnId(progress.resolvedTs() + 1, 0);
    long last = progress.lastEmittedCommitTs();
    while (true) {
      List<KeyValue<TxnId, BufferedTxn>> batch = buffer.upTo(from, target, EMIT_BATCH);
      if (batch.isEmpty()) {
        break;
      }
      for (KeyValue<TxnId, BufferedTxn> e : batch) {
        emit(e.key, e.value, last, target, timestamp);
        last = e.key.commitTs();
        from = e.key.successor();
      }
    }
    if (last != progress.lastEmittedCommitTs()) {
      saveProgress(progress.withLastEmitted(last));
    }
  }

  private void emit(
      final TxnId txn,
      final BufferedTxn meta,
      final long lastEmitted,
      final long target,
      final long timestamp) {
    if (txn.commitTs() <= lastEmitted) {
      throw new FatalBinlogException(
          ErrorCode.ORDERING_VIOLATION,
          "transaction "
              + txn
              + " from raw partition "
              + meta.partition()
              + " is not above the last emitted commit_ts "
              + lastEmitted
              + ": two transactions share a commit_ts");
    }
    if (!meta.complete()) {
      throw new FatalBinlogException(
          ErrorCode.ORDERING_VIOLATION,
          "transaction "
              + txn
              + " from raw partition "
              + meta.partition()
              + membership.nodeId(meta.partition()).map(n -> " (pump " + n + ")").orElse("")
              + " has "
              + meta.received()
              + " of its "
              + meta.count()
              + " fragments when resolved ts "
              + target
              + " passes it: a watermark covered it before all its fragments were sent");
    }
    StoredPayload payload = buffer.payload(txn, meta);
    try {
      context.forward(
          new Record<>(
              txn.commitTs(),
              new OrderedEvent.OrderedTxn(txn.commitTs(), txn.startTs(), meta.partition(), payload),
              timestamp));
    } finally {
      payload.close();
    }
    buffer.remove(txn, meta);
    emitted.add(txn, meta.partition());
  }

  private void saveProgress(final MergeProgress next) {
    progress = next;
    progressStore.put(MergeStores.PROGRESS_KEY, next);
  }
}
