package io.kafkabinlog.pump.it;

import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Collects the binlogs of a raw topic in memory, reassembling chunk groups by the rule of {@link
 * ChunkHeader}: a group's chunks arrive in index order; a chunk 0 of another group abandons an
 * incomplete one; a group counts once its last chunk arrived and length and CRC-32C match. For
 * small binlogs only (the large test digests chunks as they stream by).
 */
final class WholeBinlogs implements RawTopicReader.Visitor {
  private final List<RawBinlog> binlogs = new ArrayList<>();
  private final Map<Integer, Group> open = new HashMap<>();
  private long abandonedGroups;
  private long keyMismatches;

  private static final class Group {
    final UUID id;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int next;

    Group(final UUID id) {
      this.id = id;
    }
  }

  @Override
  public void record(
      final int partition,
      final long offset,
      final long keyStartTs,
      final BinlogHeader header,
      final ChunkHeader chunk,
      final byte[] value) {
    if (keyStartTs != header.startTs()) {
      keyMismatches++;
    }
    if (chunk == null) {
      binlogs.add(new RawBinlog(partition, offset, header, value, 0));
      return;
    }
    Group group = open.get(partition);
    if (chunk.index() == 0) {
      if (group != null) {
        abandonedGroups++;
      }
      group = new Group(chunk.groupId());
      open.put(partition, group);
    } else if (group == null || !group.id.equals(chunk.groupId()) || chunk.index() != group.next) {
      throw new AssertionError(
          "partition " + partition + "@" + offset + ": chunk " + chunk + " out of order");
    }
    group.bytes.writeBytes(value);
    group.next++;
    if (chunk.isLast()) {
      open.remove(partition);
      final byte[] whole = group.bytes.toByteArray();
      final CRC32C crc = new CRC32C();
      crc.update(whole);
      if (whole.length != chunk.totalLength() || (int) crc.getValue() != chunk.crc32c()) {
        throw new AssertionError(
            "partition " + partition + "@" + offset + ": group " + chunk.groupId() + " corrupt");
      }
      binlogs.add(new RawBinlog(partition, offset, header, whole, chunk.count()));
    }
  }

  List<RawBinlog> binlogs() {
    return binlogs;
  }

  /** Incomplete groups a later chunk 0 replaced (retries), plus any still open at the end. */
  long abandonedGroups() {
    return abandonedGroups + open.size();
  }

  /** Records whose key's start_ts differs from their binlog header's. */
  long keyMismatches() {
    return keyMismatches;
  }
}
