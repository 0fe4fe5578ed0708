package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.schemas.raw.BinlogHeader;

/**
 * A whole binlog payload in the fragment store (a record's value, or a completed chunk group).
 *
 * @param binlog its binlog header
 * @param payloadId raw offset where it began: its fragments' key
 * @param length bytes
 * @param fragmentSize size of every fragment but the last
 */
record StoredPayload(BinlogHeader binlog, long payloadId, long length, int fragmentSize) {}
