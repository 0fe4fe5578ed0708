package io.kafkabinlog.tidbsim.testing;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriteException;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A {@link BinlogWriter} for unit tests: keeps every binlog it acknowledged, notes each
 * acknowledgement in the shared {@link EventLog} ({@code prewrite S}, {@code commit S C}, {@code
 * rollback S}) and can be told to refuse prewrites as a client without pumps does.
 */
public final class RecordingBinlogWriter implements BinlogWriter {
  private final EventLog events;
  private final List<Binlog> written = new ArrayList<>();
  private volatile boolean refusePrewrites;
  private Predicate<Binlog> refuseOnce; // guarded by this

  private final List<ByteString> marshalledPrewrites = new ArrayList<>();

  public RecordingBinlogWriter(final EventLog events) {
    this.events = events;
  }

  /** A writer with its own event log. */
  public RecordingBinlogWriter() {
    this(new EventLog());
  }

  /** Keeps the payload as given (no parse), so tests see exactly what a pump would get. */
  @Override
  public synchronized void writePrewrite(final long startTs, final ByteString payload) {
    if (refusePrewrites) {
      throw new BinlogWriteException("test writer refuses the prewrite " + startTs);
    }
    marshalledPrewrites.add(payload);
    events.add("prewrite " + startTs);
  }

  /** Prewrites handed over already marshalled. */
  public synchronized List<ByteString> marshalledPrewrites() {
    return List.copyOf(marshalledPrewrites);
  }

  /** Prewrites handed over as {@link Binlog} objects. */
  public List<Binlog> prewrites() {
    return written(BinlogType.Prewrite);
  }

  /** Commit and rollback binlogs, in order. */
  public synchronized List<Binlog> commits() {
    return written.stream().filter(b -> b.getTp() != BinlogType.Prewrite).toList();
  }

  /** From now on every prewrite fails with {@link BinlogWriteException} (false: accept again). */
  public void refusePrewrites(final boolean refuse) {
    refusePrewrites = refuse;
  }

  /** Refuses the next prewrite that matches {@code which}, once. */
  public synchronized void refuseOnce(final Predicate<Binlog> which) {
    refuseOnce = which;
  }

  @Override
  public void writePrewrite(final Binlog prewrite) {
    if (refusePrewrites) {
      throw new BinlogWriteException("test writer refuses the prewrite " + prewrite.getStartTs());
    }
    synchronized (this) {
      if (refuseOnce != null && refuseOnce.test(prewrite)) {
        refuseOnce = null;
        events.add("refused " + prewrite.getStartTs());
        throw new BinlogWriteException("test writer refuses the prewrite " + prewrite.getStartTs());
      }
      written.add(prewrite);
      events.add("prewrite " + prewrite.getStartTs());
    }
  }

  @Override
  public CompletableFuture<Void> writeCommit(final Binlog binlog) {
    synchronized (this) {
      written.add(binlog);
      events.add(
          binlog.getTp() == BinlogType.Commit
              ? "commit " + binlog.getStartTs() + " " + binlog.getCommitTs()
              : "rollback " + binlog.getStartTs());
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Every acknowledged binlog in order. */
  public synchronized List<Binlog> written() {
    return List.copyOf(written);
  }

  public synchronized List<Binlog> written(final BinlogType type) {
    return written.stream().filter(b -> b.getTp() == type).toList();
  }

  public synchronized Optional<Binlog> find(final long startTs, final BinlogType type) {
    return written.stream().filter(b -> b.getStartTs() == startTs && b.getTp() == type).findFirst();
  }

  /** The last acknowledged prewrite. */
  public synchronized Binlog lastPrewrite() {
    final List<Binlog> prewrites = written(BinlogType.Prewrite);
    return prewrites.get(prewrites.size() - 1);
  }

  @Override
  public void close() {}
}
