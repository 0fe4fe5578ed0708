package io.kafkabinlog.pump.lifecycle;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.pump.ingest.RawLog;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The raw log as the gRPC service sees it, closed for every write once the pump is about to write
 * its final watermark L: the partition must end at L (then LEAVE), or the merge could drop the
 * member while a later record is still on its way. A commit refused here is retried by TiDB and,
 * failing that, resolved by the ordering stream's resolver. The final fake binlog itself goes
 * through the unsealed delegate.
 */
final class SealableRawLog implements RawLog {
  private final RawLog delegate;
  private String sealedBecause;
  private int inFlight;
  private volatile String lastFailure;

  SealableRawLog(final RawLog delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<RawPosition> append(
      final BinlogHeader header, final ByteString payload) {
    synchronized (this) {
      if (sealedBecause != null) {
        return CompletableFuture.failedFuture(
            new FatalBinlogException(ErrorCode.SHUTTING_DOWN, "no online: " + sealedBecause));
      }
      inFlight++;
    }
    final CompletableFuture<RawPosition> written;
    try {
      written = delegate.append(header, payload);
    } catch (RuntimeException e) {
      finished();
      throw e;
    }
    written.whenComplete(
        (position, error) -> {
          lastFailure = error == null ? null : String.valueOf(error.getMessage());
          finished();
        });
    return written;
  }

  /**
   * Refuses every later append with {@code no online: <reason>} and waits until the appends already
   * accepted are acknowledged or failed, so that nothing can land after what is written next.
   *
   * @return false if some were still in flight after {@code timeout}
   */
  synchronized boolean sealAndDrain(final String reason, final Duration timeout)
      throws InterruptedException {
    if (sealedBecause == null) {
      sealedBecause = reason;
    }
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  private synchronized void finished() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }

  /** The error of the last append if it failed (none since), for /status. */
  java.util.Optional<String> lastFailure() {
    return java.util.Optional.ofNullable(lastFailure);
  }

  @Override
  public int partition() {
    return delegate.partition();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
