package io.kafkabinlog.ordering.merge;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kafkabinlog.schemas.proto.control.PumpControl;

/**
 * A record of the control topic (written by pumps, or by binlogctl on behalf of a dead pump):
 * JOIN(J), HEARTBEAT(T) or LEAVE(L at rawOffset).
 */
public record ControlMessage(Kind kind, String nodeId, int partition, long ts, long rawOffset)
    implements MergeInput {

  /** The control record kinds. */
  public enum Kind {
    JOIN,
    HEARTBEAT,
    LEAVE
  }

  /**
   * Parses a control record value.
   *
   * @throws IllegalArgumentException naming the problem when the bytes are not a PumpControl or the
   *     kind is unknown
   */
  public static ControlMessage parse(final byte[] value) {
    PumpControl proto;
    try {
      proto = PumpControl.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "control record is not a PumpControl: " + e.getMessage(), e);
    }
    Kind kind =
        switch (proto.getKind()) {
          case JOIN -> Kind.JOIN;
          case HEARTBEAT -> Kind.HEARTBEAT;
          case LEAVE -> Kind.LEAVE;
          default ->
              throw new IllegalArgumentException(
                  "control record of unknown kind "
                      + proto.getKindValue()
                      + " from "
                      + proto.getNodeId());
        };
    return new ControlMessage(
        kind, proto.getNodeId(), proto.getPartition(), proto.getTs(), proto.getRawOffset());
  }

  /** The PumpControl bytes of this message (tests, binlogctl). */
  public byte[] toBytes() {
    PumpControl.Kind k =
        switch (kind) {
          case JOIN -> PumpControl.Kind.JOIN;
          case HEARTBEAT -> PumpControl.Kind.HEARTBEAT;
          case LEAVE -> PumpControl.Kind.LEAVE;
        };
    return PumpControl.newBuilder()
        .setKind(k)
        .setNodeId(nodeId)
        .setPartition(partition)
        .setTs(ts)
        .setRawOffset(rawOffset)
        .build()
        .toByteArray();
  }
}
