package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.ordering.payload.FragmentedPayload;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A buffered transaction's payload read from stage 2's buffer one fragment at a time, so a large
 * transaction never sits in the heap. Valid only while stage 2 forwards the transaction: its
 * fragments are deleted right after, so a later read fails loudly instead of reading nothing.
 */
final class StoredPayload implements FragmentedPayload {
  private final KeyValueStore<FragmentKey, byte[]> fragments;
  private final TxnId txn;
  private final BufferedTxn meta;
  private boolean open = true;

  StoredPayload(
      final KeyValueStore<FragmentKey, byte[]> fragments, final TxnId txn, final BufferedTxn meta) {
    this.fragments = fragments;
    this.txn = txn;
    this.meta = meta;
  }

  @Override
  public long length() {
    return meta.totalLength();
  }

  @Override
  public int fragmentSize() {
    return meta.fragmentSize();
  }

  @Override
  public int fragmentCount() {
    return meta.count();
  }

  @Override
  public byte[] fragment(final int index) {
    if (!open) {
      throw new IllegalStateException(
          "payload of transaction " + txn + " read after stage 2 handed it on");
    }
    if (index < 0 || index >= meta.count()) {
      throw new IndexOutOfBoundsException("fragment " + index + " of " + meta.count());
    }
    byte[] data = fragments.get(FragmentKey.of(txn, index));
    if (data == null) {
      throw new IllegalStateException(
          "fragment " + index + " of transaction " + txn + " is missing from stage 2's buffer");
    }
    return data;
  }

  void close() {
    open = false;
  }
}
