package io.kafkabinlog.ordering.pairing;

import com.google.protobuf.CodedInputStream;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.ChunkReassembler;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1 for one task, i.e. one raw partition p and the same partition of the resolutions topic.
 * All state is in the three stores (pending metas, payload fragments, scalars and the open chunk
 * group); what it keeps in memory (the pending start_ts set, the watermark scalars, the open
 * group's CRC) is rebuilt from them in {@link #init}, so a restart under exactly-once continues
 * exactly where the last commit left it.
 *
 * <p>Watermark M_p = min(maxTs, smallest pending start_ts), where maxTs is the largest commit_ts of
 * a commit or ts of a fake binlog read from the raw partition. It is sent only when it exceeds the
 * last one sent, and always after the fragments of every transaction it covers (same task, same
 * producer, same merge partition: order is kept).
 */
final class PairingProcessor implements Processor<byte[], byte[], Integer, MergeMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(PairingProcessor.class);
  static final Bytes MAX_TS_KEY = PairingKeys.named("max-ts");
  static final Bytes SENT_WATERMARK_KEY = PairingKeys.named("sent-watermark");

  private final TopologySettings settings;
  private final OrderingObserver observer;

  private ProcessorContext<Integer, MergeMessage> context;
  private KeyValueStore<Bytes, byte[]> state;
  private StoredFragments fragments;
  private PendingPrewrites pending;
  private ChunkAssembly chunks;
  private int partition = -1;
  private long maxTs;
  private long sentWatermark;
  private int reportedCount = -1;
  private long reportedOldest = -1;

  PairingProcessor(final TopologySettings settings, final OrderingObserver observer) {
    this.settings = settings;
    this.observer = observer;
  }

  @Override
  public void init(final ProcessorContext<Integer, MergeMessage> context) {
    this.context = context;
    this.state = context.getStateStore(PairingStage.STATE_STORE);
    this.fragments = new StoredFragments(context.getStateStore(PairingStage.FRAGMENT_STORE));
    this.pending = new PendingPrewrites(context.getStateStore(PairingStage.PENDING_STORE));
    this.chunks = new ChunkAssembly(state, fragments, settings.fragmentBytes());
    // A task owns one partition of each input topic, both numbered like the task.
    this.partition = context.taskId().partition();
    this.maxTs = readLong(MAX_TS_KEY);
    this.sentWatermark = readLong(SENT_WATERMARK_KEY);
    this.reportedCount = -1;
    this.reportedOldest = -1;
    pending.load();
    chunks.restore();
    reportPending();
    if (!settings.watermarkInterval().isZero()) {
      context.schedule(
          settings.watermarkInterval(), PunctuationType.WALL_CLOCK_TIME, this::sendWatermark);
    }
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final RecordMetadata position =
        context
            .recordMetadata()
            .orElseThrow(() -> new IllegalStateException("stage 1 record without metadata"));
    partition = position.partition();
    final BinlogHeader binlog = binlogHeader(record, position);
    if (position.topic().equals(settings.resolutionsTopic())) {
      onResolution(binlog, position, record.timestamp());
    } else {
      onRaw(record, binlog, position);
    }
    reportPending();
    if (settings.watermarkInterval().isZero()) {
      sendWatermark(record.timestamp());
    }
  }

  private void onRaw(
      final Record<byte[], byte[]> record, final BinlogHeader binlog, final RecordMetadata at) {
    final Header chunkHeader = record.headers().lastHeader(RawRecords.CHUNK_HEADER);
    if (chunkHeader == null) {
      onRawBinlog(binlog, at, record.timestamp(), Optional.of(value(record)));
      return;
    }
    final ChunkHeader chunk;
    try {
      chunk = ChunkHeader.decode(chunkHeader.value());
    } catch (IllegalArgumentException e) {
      throw malformed(at, "its chunk header is invalid: " + e.getMessage(), e);
    }
    final ChunkReassembler.Result<StoredPayload> result =
        chunks.accept(chunk, binlog, at.offset(), value(record));
    result.abandonedPrevious().ifPresent(reason -> chunkProblem(at, reason));
    if (result instanceof ChunkReassembler.Complete<StoredPayload> complete) {
      final StoredPayload payload = complete.value();
      if (payload.binlog().isPrewrite()) {
        storePending(payload, at);
      } else {
        // Only prewrites carry payload stage 1 keeps; the header says all about the others.
        fragments.delete(
            payload.binlog().startTs(),
            payload.payloadId(),
            FragmentedPayload.fragmentCount(payload.length(), payload.fragmentSize()));
        onRawBinlog(payload.binlog(), at, record.timestamp(), Optional.empty());
      }
    } else if (result instanceof ChunkReassembler.Rejected<StoredPayload> rejected) {
      chunkProblem(at, rejected.reason());
    } else if (result instanceof ChunkReassembler.Abandoned<StoredPayload> abandoned) {
      chunkProblem(at, abandoned.reason());
    }
  }

  /** A whole binlog read from the raw partition ({@code value} present for a whole record). */
  private void onRawBinlog(
      final BinlogHeader binlog,
      final RecordMetadata at,
      final long timestamp,
      final Optional<byte[]> value) {
    final BinlogType type = binlog.type();
    if (type == BinlogType.Prewrite) {
      value.ifPresent(bytes -> storeWholePrewrite(binlog, bytes, at));
    } else if (type == BinlogType.Commit) {
      checkCommit(binlog, at);
      if (!emit(binlog.startTs(), binlog.commitTs(), timestamp)) {
        LOG.debug(
            "partition {}: commit of start_ts {} without its prewrite here (offset {})",
            partition,
            binlog.startTs(),
            at.offset());
        observer.orphanCommit(partition, binlog.startTs(), binlog.commitTs());
      }
      raiseMaxTs(binlog.commitTs());
    } else if (binlog.isFake()) {
      raiseMaxTs(binlog.commitTs());
    } else if (type == BinlogType.Rollback) {
      rollBack(binlog.startTs());
    } else {
      LOG.warn(
          "partition {}: ignoring obsolete {} binlog of start_ts {} at offset {}",
          partition,
          type,
          binlog.startTs(),
          at.offset());
    }
  }

  /**
   * A resolution: like a commit or rollback for a pending start_ts, ignored otherwise (early,
   * duplicate or already settled by the pump's own binlog). It never raises maxTs: the argument
   * that everything with a smaller commit_ts is already in front of a commit binlog holds for its
   * position in the raw partition only (TiDB had the prewrite acknowledged there before asking for
   * commit_ts). The resolutions topic is read independently of the raw one, so a resolution can be
   * read before raw records that precede its commit_ts, whose transactions M_p must not pass yet.
   */
  private void onResolution(final BinlogHeader binlog, final RecordMetadata at, final long ts) {
    if (binlog.type() == BinlogType.Commit) {
      checkCommit(binlog, at);
      if (!emit(binlog.startTs(), binlog.commitTs(), ts)) {
        LOG.debug(
            "partition {}: resolution commit of start_ts {} for no pending prewrite",
            partition,
            binlog.startTs());
      }
    } else if (binlog.type() == BinlogType.Rollback && !binlog.isFake()) {
      rollBack(binlog.startTs());
    } else {
      LOG.warn(
          "partition {}: ignoring a {} binlog of start_ts {} in the resolutions topic at offset {}",
          partition,
          binlog.isFake() ? "fake" : binlog.type(),
          binlog.startTs(),
          at.offset());
    }
  }

  private void storeWholePrewrite(
      final BinlogHeader binlog, final byte[] value, final RecordMetadata at) {
    final int fragmentSize = settings.fragmentBytes();
    final long length =
        fragments.append(binlog.startTs(), at.offset(), fragmentSize, 0, ByteBuffer.wrap(value));
    fragments.finish(binlog.startTs(), at.offset(), length);
    final byte[] key = primaryKey(CodedInputStream.newInstance(value), binlog, at);
    putPending(new StoredPayload(binlog, at.offset(), length, fragmentSize), key);
  }

  private void storePending(final StoredPayload payload, final RecordMetadata at) {
    final FragmentedPayload stored =
        fragments.payload(
            payload.binlog().startTs(),
            payload.payloadId(),
            payload.length(),
            payload.fragmentSize());
    final byte[] key =
        primaryKey(CodedInputStream.newInstance(stored.openAt(0)), payload.binlog(), at);
    putPending(payload, key);
  }

  /** Stores a prewrite as pending; one with the same start_ts (TiDB retried) is replaced. */
  private void putPending(final StoredPayload payload, final byte[] primaryKey) {
    final long startTs = payload.binlog().startTs();
    pending
        .get(startTs)
        .ifPresent(old -> fragments.delete(startTs, old.payloadId(), old.fragmentCount()));
    pending.put(
        new PendingMeta(
            partition,
            startTs,
            primaryKey,
            context.currentSystemTimeMs(),
            payload.payloadId(),
            payload.length(),
            FragmentedPayload.fragmentCount(payload.length(), payload.fragmentSize()),
            payload.fragmentSize()));
  }

  /**
   * Forwards the fragments of pending {@code startTs} with {@code commitTs}, in index order,
   * deleting each once sent; false if it is not pending.
   */
  private boolean emit(final long startTs, final long commitTs, final long timestamp) {
    final Optional<PendingMeta> found = pending.get(startTs);
    if (found.isEmpty()) {
      return false;
    }
    final PendingMeta meta = found.get();
    for (int index = 0; index < meta.fragmentCount(); index++) {
      final byte[] data =
          fragments.require(
              startTs,
              meta.payloadId(),
              index,
              StoredFragments.fragmentLength(meta.totalLength(), meta.fragmentSize(), index));
      context.forward(
          new Record<Integer, MergeMessage>(
              partition,
              new MergeMessage.TxnFragment(
                  partition,
                  startTs,
                  commitTs,
                  index,
                  meta.fragmentCount(),
                  meta.fragmentSize(),
                  meta.totalLength(),
                  data),
              timestamp));
    }
    fragments.delete(startTs, meta.payloadId(), meta.fragmentCount());
    pending.remove(startTs);
    return true;
  }

  private void rollBack(final long startTs) {
    final Optional<PendingMeta> found = pending.get(startTs);
    if (found.isPresent()) {
      fragments.delete(startTs, found.get().payloadId(), found.get().fragmentCount());
      pending.remove(startTs);
      observer.rolledBack(partition, startTs);
    }
  }

  private void raiseMaxTs(final long ts) {
    if (ts > maxTs) {
      maxTs = ts;
      writeLong(MAX_TS_KEY, ts);
    }
  }

  /**
   * Sends M_p if it exceeds the last one sent. A lower M_p (a prewrite with a smaller start_ts read
   * after the last send) is never sent, and the higher one already sent stays true: that prewrite
   * was acknowledged after the commit or fake binlog which set maxTs, and TiDB asks for its
   * commit_ts only after the acknowledgement, so its commit_ts is above the sent M_p.
   */
  private void sendWatermark(final long timestamp) {
    final long watermark = Math.min(maxTs, pending.oldest());
    if (watermark <= sentWatermark) {
      return;
    }
    context.forward(
        new Record<Integer, MergeMessage>(
            partition, new MergeMessage.PumpWatermark(partition, watermark), timestamp));
    sentWatermark = watermark;
    writeLong(SENT_WATERMARK_KEY, watermark);
    observer.pumpWatermark(partition, watermark);
  }

  private void reportPending() {
    final int count = pending.count();
    final long oldest = count == 0 ? 0 : pending.oldest();
    if (count != reportedCount || oldest != reportedOldest) {
      reportedCount = count;
      reportedOldest = oldest;
      observer.pendingPrewrites(partition, count, oldest);
    }
  }

  private byte[] primaryKey(
      final CodedInputStream in, final BinlogHeader binlog, final RecordMetadata at) {
    return PrewriteKeyReader.read(in)
        .orElseGet(
            () -> {
              LOG.warn(
                  "partition {}: prewrite of start_ts {} at offset {} is not a readable binlog;"
                      + " keeping it without a primary key",
                  partition,
                  binlog.startTs(),
                  at.offset());
              return new byte[0];
            });
  }

  private void chunkProblem(final RecordMetadata at, final String reason) {
    LOG.warn("partition {}: chunk at offset {}: {}", partition, at.offset(), reason);
    observer.chunkProblem(partition, reason);
  }

  private static void checkCommit(final BinlogHeader binlog, final RecordMetadata at) {
    if (binlog.commitTs() <= binlog.startTs()) {
      throw malformed(
          at,
          "its commit binlog has commit_ts "
              + binlog.commitTs()
              + " not above start_ts "
              + binlog.startTs(),
          null);
    }
  }

  private static BinlogHeader binlogHeader(
      final Record<byte[], byte[]> record, final RecordMetadata at) {
    final Header header = record.headers().lastHeader(RawRecords.BINLOG_HEADER);
    if (header == null) {
      throw malformed(at, "it has no '" + RawRecords.BINLOG_HEADER + "' header", null);
    }
    try {
      return BinlogHeader.decode(header.value());
    } catch (IllegalArgumentException e) {
      throw malformed(at, "its binlog header is invalid: " + e.getMessage(), e);
    }
  }

  private static byte[] value(final Record<byte[], byte[]> record) {
    return record.value() == null ? new byte[0] : record.value();
  }

  private static FatalBinlogException malformed(
      final RecordMetadata at, final String why, final Throwable cause) {
    return new FatalBinlogException(
        ErrorCode.MALFORMED_INPUT,
        "record at "
            + at.topic()
            + "-"
            + at.partition()
            + " offset "
            + at.offset()
            + " is not a raw binlog record: "
            + why,
        cause);
  }

  private long readLong(final Bytes key) {
    final byte[] bytes = state.get(key);
    return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
  }

  private void writeLong(final Bytes key, final long value) {
    state.put(key, ByteBuffer.allocate(Long.BYTES).putLong(value).array());
  }
}
