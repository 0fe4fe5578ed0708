package io.kafkabinlog.ordering.merge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What stage 2 knows about one raw partition (pump). Its watermark is kept whether or not the pump
 * is a member: M_p is a fact about what stage 1 has sent, true regardless of membership.
 *
 * @param nodeId the pump's node id from its JOIN ("" before any JOIN was read)
 * @param member whether the pump gates W (joined and not yet left)
 * @param joinTs J of the latest JOIN that made it a member
 * @param watermark M_p, the largest watermark read, or {@link #NONE}
 * @param leaveTs L of a pending LEAVE, or {@link #NONE}
 */
record PumpState(String nodeId, boolean member, long joinTs, long watermark, long leaveTs) {
  static final long NONE = -1;

  /** A partition that only sent a watermark so far. */
  static PumpState watermarkOnly(final long watermark) {
    return new PumpState("", false, NONE, watermark, NONE);
  }

  boolean hasWatermark() {
    return watermark != NONE;
  }

  boolean leaving() {
    return leaveTs != NONE;
  }

  /** What the member holds W at: M_p once known, J until then. */
  long effectiveTs() {
    return hasWatermark() ? watermark : joinTs;
  }

  /** A leaving member whose watermark reached L: nothing of it is still in flight. */
  boolean readyToLeave() {
    return member && leaving() && hasWatermark() && watermark >= leaveTs;
  }

  PumpState withWatermark(final long ts) {
    return new PumpState(nodeId, member, joinTs, Math.max(watermark, ts), leaveTs);
  }

  PumpState joined(final String node, final long ts) {
    // A member's JOIN is a restart: its old J stays (smaller, so still a bound) and so does M_p.
    return new PumpState(node, true, member ? joinTs : ts, watermark, NONE);
  }

  PumpState leavingAt(final long ts) {
    return new PumpState(nodeId, member, joinTs, watermark, ts);
  }

  PumpState left() {
    return new PumpState(nodeId, false, joinTs, watermark, NONE);
  }

  byte[] toBytes() {
    byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + node.length + 1 + 8 + 8 + 8)
        .putInt(node.length)
        .put(node)
        .put((byte) (member ? 1 : 0))
        .putLong(joinTs)
        .putLong(watermark)
        .putLong(leaveTs)
        .array();
  }

  static PumpState fromBytes(final byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] node = new byte[b.getInt()];
    b.get(node);
    return new PumpState(
        new String(node, StandardCharsets.UTF_8),
        b.get() == 1,
        b.getLong(),
        b.getLong(),
        b.getLong());
  }
}
