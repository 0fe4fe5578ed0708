package io.kafkabinlog.schemas.registry;

import java.nio.ByteBuffer;

/**
 * Confluent schema-registry wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian
 * int, then the Avro binary encoding of the value.
 */
public final class WireFormat {
  /** The only magic byte of the format. */
  public static final byte MAGIC_BYTE = 0;

  /** Bytes before the Avro body: magic byte + schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** {@code 0x00 | id (big-endian int32) | body}. */
  public static byte[] frame(final int schemaId, final byte[] avroBody) {
    return ByteBuffer.allocate(HEADER_SIZE + avroBody.length)
        .put(MAGIC_BYTE)
        .putInt(schemaId)
        .put(avroBody)
        .array();
  }

  /**
   * The schema id of a framed payload.
   *
   * @throws IllegalArgumentException if the payload is shorter than the header or does not start
   *     with magic byte 0
   */
  public static int schemaId(final byte[] payload) {
    if (payload.length < HEADER_SIZE) {
      throw new IllegalArgumentException(
          "payload of "
              + payload.length
              + " bytes is too short for the schema-registry wire format (magic byte + 4-byte"
              + " schema id)");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new IllegalArgumentException(
          String.format(
              "unknown magic byte 0x%02x: expected 0x00 (Confluent schema-registry wire format);"
                  + " the record was not written by a schema-registry Avro serializer",
              payload[0] & 0xff));
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
