package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Committed transactions waiting for W: fragments in the buffer store, one txn index entry each
 * (which partition's copy is kept, shape, how many fragments arrived).
 */
final class TxnBuffer {
  private final KeyValueStore<FragmentKey, byte[]> fragments;
  private final KeyValueStore<TxnId, BufferedTxn> txns;
  private int size;

  TxnBuffer(
      final KeyValueStore<FragmentKey, byte[]> fragments,
      final KeyValueStore<TxnId, BufferedTxn> txns) {
    this.fragments = fragments;
    this.txns = txns;
    try (KeyValueIterator<TxnId, BufferedTxn> all = txns.all()) {
      while (all.hasNext()) {
        all.next();
        size++;
      }
    }
  }

  /** Buffered transactions. */
  int size() {
    return size;
  }

  /** The index entry of a buffered transaction, or null. */
  BufferedTxn get(final TxnId txn) {
    return txns.get(txn);
  }

  /**
   * Stores a fragment of the copy this buffer keeps (or of a new transaction). Fragments of one
   * partition come in index order; a repeated one is ignored (stage 1 sent it again).
   *
   * @param existing the transaction's index entry, null when it is new
   * @throws FatalBinlogException MALFORMED_INPUT when the fragment does not fit its transaction
   */
  void store(final MergeMessage.TxnFragment f, final BufferedTxn existing) {
    TxnId txn = new TxnId(f.commitTs(), f.startTs());
    checkShape(f, txn, existing);
    BufferedTxn entry =
        existing != null
            ? existing
            : new BufferedTxn(f.partition(), f.count(), f.fragmentSize(), f.totalLength(), 0);
    if (f.index() < entry.received()) {
      return;
    }
    fragments.put(FragmentKey.of(txn, f.index()), f.data());
    int received = entry.received();
    if (f.index() == received) {
      received++;
      // Only an out-of-order fragment (never sent by a correct stage 1) leaves something to find.
      while (received < entry.count() && fragments.get(FragmentKey.of(txn, received)) != null) {
        received++;
      }
    }
    txns.put(txn, entry.withReceived(received));
    if (existing == null) {
      size++;
    }
  }

  /**
   * Up to {@code limit} buffered transactions from {@code from} on with commit_ts <= maxCommitTs.
   */
  List<KeyValue<TxnId, BufferedTxn>> upTo(
      final TxnId from, final long maxCommitTs, final int limit) {
    List<KeyValue<TxnId, BufferedTxn>> batch = new ArrayList<>();
    if (from.commitTs() > maxCommitTs) {
      return batch;
    }
    // Read a batch, then emit and delete outside the iterator.
    try (KeyValueIterator<TxnId, BufferedTxn> it = txns.range(from, TxnId.lastAt(maxCommitTs))) {
      while (it.hasNext() && batch.size() < limit) {
        batch.add(it.next());
      }
    }
    return batch;
  }

  /** The transaction's payload, read from the buffer on demand. */
  StoredPayload payload(final TxnId txn, final BufferedTxn meta) {
    return new StoredPayload(fragments, txn, meta);
  }

  /** Deletes an emitted transaction's fragments and index entry. */
  void remove(final TxnId txn, final BufferedTxn meta) {
    for (int i = 0; i < meta.count(); i++) {
      fragments.delete(FragmentKey.of(txn, i));
    }
    txns.delete(txn);
    size--;
  }

  private static void checkShape(
      final MergeMessage.TxnFragment f, final TxnId txn, final BufferedTxn existing) {
    String problem = null;
    if (f.fragmentSize() <= 0 || f.totalLength() < 0) {
      problem = "fragment size " + f.fragmentSize() + ", length " + f.totalLength();
    } else if (f.count() != FragmentedPayload.fragmentCount(f.totalLength(), f.fragmentSize())) {
      problem =
          f.count()
              + " fragments of "
              + f.fragmentSize()
              + " bytes cannot hold "
              + f.totalLength()
              + " bytes";
    } else if (f.data().length != expectedLength(f)) {
      problem =
          "fragment " + f.index() + " has " + f.data().length + " bytes, not " + expectedLength(f);
    } else if (existing != null
        && (existing.count() != f.count()
            || existing.fragmentSize() != f.fragmentSize()
            || existing.totalLength() != f.totalLength())) {
      problem =
          "fragment says "
              + f.count()
              + " x "
              + f.fragmentSize()
              + " bytes, "
              + f.totalLength()
              + " in all, earlier ones said "
              + existing.count()
              + " x "
              + existing.fragmentSize()
              + " bytes, "
              + existing.totalLength();
    }
    if (problem != null) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "stage 2 got a malformed fragment of transaction "
              + txn
              + " from raw partition "
              + f.partition()
              + ": "
              + problem);
    }
  }

  private static long expectedLength(final MergeMessage.TxnFragment f) {
    return f.isLast() ? f.totalLength() - (long) f.index() * f.fragmentSize() : f.fragmentSize();
  }
}
