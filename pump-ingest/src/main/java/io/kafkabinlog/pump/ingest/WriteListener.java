package io.kafkabinlog.pump.ingest;

import io.kafkabinlog.schemas.raw.BinlogHeader;

/** Told about every binlog Kafka acknowledged, in acknowledgement order per partition. */
@FunctionalInterface
public interface WriteListener {
  void onAcknowledged(BinlogHeader header, RawPosition position);
}
