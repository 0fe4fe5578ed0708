package io.kafkabinlog.pump.it;

import io.kafkabinlog.schemas.raw.BinlogHeader;

/**
 * One binlog as stored in the raw topic: a whole record, or a reassembled chunk group positioned at
 * its last chunk.
 */
record RawBinlog(int partition, long offset, BinlogHeader header, byte[] payload, int chunks) {}
