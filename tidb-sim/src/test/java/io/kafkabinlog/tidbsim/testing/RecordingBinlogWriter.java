package io.kafkabinlog.tidbsim.testing;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory pump client: acknowledges every write and keeps it. */
public final class RecordingBinlogWriter implements BinlogWriter {
  private final List<Binlog> prewrites = new CopyOnWriteArrayList<>();
  private final List<ByteString> marshalledPrewrites = new CopyOnWriteArrayList<>();
  private final List<Binlog> commits = new CopyOnWriteArrayList<>();

  @Override
  public void writePrewrite(final Binlog prewrite) {
    prewrites.add(prewrite);
  }

  /** Keeps the payload as given (no parse), so tests see exactly what a pump would get. */
  @Override
  public void writePrewrite(final long startTs, final ByteString payload) {
    marshalledPrewrites.add(payload);
  }

  @Override
  public CompletableFuture<Void> writeCommit(final Binlog commitOrRollback) {
    commits.add(commitOrRollback);
    return CompletableFuture.completedFuture(null);
  }

  /** Prewrites handed over as {@link Binlog} objects. */
  public List<Binlog> prewrites() {
    return List.copyOf(prewrites);
  }

  /** Prewrites handed over already marshalled. */
  public List<ByteString> marshalledPrewrites() {
    return List.copyOf(marshalledPrewrites);
  }

  public List<Binlog> commits() {
    return List.copyOf(commits);
  }

  @Override
  public void close() {}
}
