package io.kafkabinlog.pump.ingest;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records appends; each returns the future the test set up (completed by default). */
class FakeRawLog implements RawLog {
  final List<BinlogHeader> appended = new CopyOnWriteArrayList<>();
  final List<ByteString> payloads = new CopyOnWriteArrayList<>();
  volatile CompletableFuture<RawPosition> next;

  @Override
  public CompletableFuture<RawPosition> append(
      final BinlogHeader header, final ByteString payload) {
    appended.add(header);
    payloads.add(payload);
    final CompletableFuture<RawPosition> result = next;
    return result != null
        ? result
        : CompletableFuture.completedFuture(new RawPosition(0, appended.size() - 1, 1));
  }

  @Override
  public int partition() {
    return 0;
  }

  @Override
  public void close() {}
}
