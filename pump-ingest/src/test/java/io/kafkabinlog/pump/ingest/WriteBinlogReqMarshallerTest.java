package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WriteBinlogReqMarshallerTest {
  private static final int LIMIT = 128 << 20;
  private final WriteBinlogReqMarshaller marshaller = new WriteBinlogReqMarshaller(LIMIT);

  /** How grpc hands a deframed message to a marshaller: a stream that knows its length. */
  static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
    KnownLengthStream(final byte[] bytes) {
      super(bytes);
    }
  }

  /** A stream that does not say how long it is (available() is 0, reads are short). */
  static final class OpaqueStream extends InputStream {
    private final ByteArrayInputStream in;

    OpaqueStream(final byte[] bytes) {
      in = new ByteArrayInputStream(bytes);
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(final byte[] b, final int off, final int len) {
      return in.read(b, off, Math.min(len, 1000));
    }
  }

  private static final Function<byte[], InputStream> KNOWN = KnownLengthStream::new;
  private static final Function<byte[], InputStream> OPAQUE = OpaqueStream::new;

  /** Writes a random WriteBinlogReq with repeated and unknown fields in between. */
  private static byte[] randomRequest(final Random random, final int maxPayload) {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      final int fields = random.nextInt(8);
      for (int i = 0; i < fields; i++) {
        switch (random.nextInt(4)) {
          case 0 -> out.writeUInt64(1, randomLong(random));
          case 1 -> out.writeBytes(2, randomBytes(random, random.nextInt(maxPayload + 1)));
          default -> writeUnknown(random, out, 0);
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static long randomLong(final Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000);
      case 2 -> -1 - random.nextInt(1000); // > Long.MAX_VALUE unsigned
      default -> random.nextLong();
    };
  }

  private static ByteString randomBytes(final Random random, final int size) {
    final byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** An unknown field of any wire type; also field 1 or 2 with the wrong wire type. */
  private static void writeUnknown(
      final Random random, final CodedOutputStream out, final int depth) throws IOException {
    final int field =
        switch (random.nextInt(4)) {
          case 0 -> 1 + random.nextInt(2);
          case 1 -> 536_870_911; // the largest field number
          default -> 3 + random.nextInt(100);
        };
    switch (random.nextInt(depth < 3 ? 5 : 4)) {
      case 0 -> {
        if (field == 1) {
          out.writeFixed64(field, random.nextLong()); // field 1 not as a varint
        } else if (field == 2) {
          out.writeUInt64(field, randomLong(random)); // field 2 not length-delimited
        } else {
          out.writeUInt64(field, randomLong(random));
        }
      }
      case 1 -> out.writeFixed64(field, random.nextLong());
      case 2 -> out.writeFixed32(field, random.nextInt());
      case 3 -> {
        if (field == 2) {
          out.writeFixed32(field, random.nextInt());
        } else {
          out.writeBytes(field, randomBytes(random, random.nextInt(50)));
        }
      }
      default -> {
        out.writeTag(field, 3); // start group
        final int inner = random.nextInt(4);
        for (int i = 0; i < inner; i++) {
          writeUnknown(random, out, depth + 1);
        }
        out.writeTag(field, 4); // end group
      }
    }
  }

  /** Parses with protobuf and with the marshaller; both must accept alike or refuse alike. */
  private void assertSameAsProtobuf(final byte[] bytes, final Function<byte[], InputStream> open) {
    WriteBinlogReq expected;
    try {
      expected = WriteBinlogReq.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      expected = null;
    }
    if (expected == null) {
      try {
        marshaller.parse(open.apply(bytes));
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription())
            .startsWith("malformed binlog.WriteBinlogReq at byte ");
        return;
      }
      throw new AssertionError("accepted what protobuf refuses: " + Arrays.toString(bytes));
    }
    final WriteBinlogReq actual = marshaller.parse(open.apply(bytes));
    assertThat(actual.getClusterID()).isEqualTo(expected.getClusterID());
    assertThat(actual.getPayload()).isEqualTo(expected.getPayload());
  }

  @Test
  void parsesWhatProtobufParsesIncludingRepeatedAndUnknownFields() {
    final Random random = new Random(20_240_611);
    for (int i = 0; i < 5_000; i++) {
      final byte[] bytes = randomRequest(random, random.nextInt(10) == 0 ? 70_000 : 300);
      final WriteBinlogReq expected;
      try {
        expected = WriteBinlogReq.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("generated an invalid request", e);
      }
      for (final Function<byte[], InputStream> open : Arrays.asList(KNOWN, OPAQUE)) {
        final WriteBinlogReq actual = marshaller.parse(open.apply(bytes));
        assertThat(actual.getClusterID()).isEqualTo(expected.getClusterID());
        assertThat(actual.getPayload()).isEqualTo(expected.getPayload());
      }
    }
  }

  @Test
  void lastOccurrenceWins() {
    final WriteBinlogReq first =
        WriteBinlogReq.newBuilder()
            .setClusterID(-2)
            .setPayload(ByteString.copyFromUtf8("first"))
            .build();
    final WriteBinlogReq second =
        WriteBinlogReq.newBuilder()
            .setClusterID(5)
            .setPayload(ByteString.copyFromUtf8("second"))
            .build();
    final byte[] both = first.toByteString().concat(second.toByteString()).toByteArray();
    final WriteBinlogReq parsed = marshaller.parse(new KnownLengthStream(both));
    assertThat(parsed.getClusterID()).isEqualTo(5);
    assertThat(parsed.getPayload().toStringUtf8()).isEqualTo("second");
    assertThat(marshaller.parse(new KnownLengthStream(new byte[0])))
        .isEqualTo(WriteBinlogReq.getDefaultInstance());
  }

  @Test
  void agreesWithProtobufOnEveryTruncation() {
    final Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      final byte[] bytes = randomRequest(random, 40);
      for (int length = 0; length < bytes.length; length++) {
        final byte[] prefix = Arrays.copyOf(bytes, length);
        assertSameAsProtobuf(prefix, KNOWN);
        assertSameAsProtobuf(prefix, OPAQUE);
      }
    }
  }

  @Test
  void agreesWithProtobufOnGarbage() {
    final Random random = new Random(11);
    int refused = 0;
    for (int i = 0; i < 10_000; i++) {
      final byte[] bytes = new byte[1 + random.nextInt(24)];
      random.nextBytes(bytes);
      if (random.nextBoolean()) {
        bytes[0] = (byte) (random.nextBoolean() ? 0x08 : 0x12); // start like a real field
      }
      assertSameAsProtobuf(bytes, KNOWN);
      assertSameAsProtobuf(bytes, OPAQUE);
      try {
        WriteBinlogReq.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        refused++;
      }
    }
    assertThat(refused).as("garbage protobuf refuses").isGreaterThan(2_500);
  }

  @Test
  void specificMalformationsAreInvalidArgumentSayingWhat() {
    assertRefused(new byte[] {0x00}, "at byte 0: invalid tag 0 (field 0)");
    assertRefused(new byte[] {0x08}, "truncated: the message ends inside clusterID (field 1)");
    assertRefused(new byte[] {0x0e, 0x01}, "at byte 0: invalid wire type 6 of field 1");
    assertRefused(new byte[] {0x1c}, "at byte 0: end-group tag of field 3 outside any group");
    assertRefused(
        new byte[] {0x1b, 0x08, 0x01, 0x24},
        "at byte 3: end-group tag of field 4 closes the group");
    assertRefused(new byte[] {0x1b, 0x08, 0x01}, "group of field 3 is never closed");
    assertRefused(
        new byte[] {0x12, 0x05, 'a', 'b'},
        "at byte 1: truncated: payload (field 2) declares 5 bytes, only 2 follow");
    assertRefused(
        new byte[] {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01},
        "at byte 1: malformed varint in clusterID (field 1) (longer than 10 bytes)");
    assertRefused(
        new byte[] {0x12, -1, -1, -1, -1, 0x0f},
        "at byte 1: negative length -1 of payload (field 2)");
    assertRefused(new byte[] {0x19, 1, 2, 3}, "truncated: fixed64 field 3 needs 8 bytes");
  }

  private void assertRefused(final byte[] bytes, final String description) {
    for (final Function<byte[], InputStream> open : Arrays.asList(KNOWN, OPAQUE)) {
      assertThatThrownBy(() -> marshaller.parse(open.apply(bytes)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .startsWith("malformed binlog.WriteBinlogReq")
                    .contains(description);
              });
    }
  }

  @Test
  void groupsNestAsDeepAsProtobufAllows() {
    for (final int depth : new int[] {99, 100, 101}) {
      final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < depth; i++) {
        bytes.write(0x1b); // start group 3
      }
      for (int i = 0; i < depth; i++) {
        bytes.write(0x1c); // end group 3
      }
      bytes.write(0x08);
      bytes.write(0x07);
      assertSameAsProtobuf(bytes.toByteArray(), KNOWN);
      assertSameAsProtobuf(bytes.toByteArray(), OPAQUE);
    }
  }

  @Test
  void payloadLongerThanTheLimitIsRefused() {
    final WriteBinlogReqMarshaller small = new WriteBinlogReqMarshaller(10);
    final byte[] bytes =
        WriteBinlogReq.newBuilder()
            .setPayload(ByteString.copyFrom(new byte[11]))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> small.parse(new OpaqueStream(bytes)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("payload (field 2) of 11 bytes is larger than the limit of 10 bytes");
            });
    assertThat(small.parse(new OpaqueStream(Arrays.copyOf(bytes, 0))).getPayload().size()).isZero();
  }

  @Test
  void aHugeDeclaredLengthIsRefusedBeforeAllocating() {
    // Declares a payload of 100 MiB in a 6-byte message.
    final byte[] bytes = {0x12, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x32, 0x01};
    final long before = allocatedBytes();
    assertThatThrownBy(() -> marshaller.parse(new KnownLengthStream(bytes)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getDescription())
                    .contains("payload (field 2) declares 104857600 bytes, only 1 follow"));
    assertThat(allocatedBytes() - before).isLessThan(1 << 20);
  }

  @Test
  void streamsWhatProtobufWrites() throws IOException {
    final WriteBinlogReq request =
        WriteBinlogReq.newBuilder()
            .setClusterID(-5)
            .setPayload(ByteString.copyFromUtf8("binlog"))
            .build();
    try (InputStream in = marshaller.stream(request)) {
      assertThat(in.readAllBytes()).isEqualTo(request.toByteArray());
    }
    assertThat(marshaller.parse(marshaller.stream(request))).isEqualTo(request);
    assertThat(marshaller.getMessagePrototype()).isSameAs(WriteBinlogReq.getDefaultInstance());
  }

  @Test
  void parsingA64MiBPayloadAllocatesItOnce() {
    final int size = 64 << 20;
    final byte[] bytes = bigRequest(size);
    final long before = allocatedBytes();
    final WriteBinlogReq parsed = marshaller.parse(new KnownLengthStream(bytes));
    final long allocated = allocatedBytes() - before;
    assertThat(parsed.getPayload().size()).isEqualTo(size);
    assertThat(parsed.getPayload().byteAt(size - 1)).isEqualTo((byte) (size - 1));
    assertThat(allocated).isGreaterThanOrEqualTo(size).isLessThan((long) (size * 1.2));
  }

  /** The problem this marshaller exists for; if protobuf stops copying, this says so. */
  @Test
  void protobufsOwnMarshallerAllocatesA64MiBPayloadTwice() {
    final int size = 64 << 20;
    final byte[] bytes = bigRequest(size);
    final MethodDescriptor.Marshaller<WriteBinlogReq> protobuf =
        ProtoUtils.marshaller(WriteBinlogReq.getDefaultInstance());
    final long before = allocatedBytes();
    final WriteBinlogReq parsed = protobuf.parse(new KnownLengthStream(bytes));
    final long allocated = allocatedBytes() - before;
    assertThat(parsed.getPayload().size()).isEqualTo(size);
    assertThat(allocated).isGreaterThanOrEqualTo(2L * size);
  }

  private static byte[] bigRequest(final int size) {
    final byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) i;
    }
    return WriteBinlogReq.newBuilder()
        .setClusterID(Long.MIN_VALUE)
        .setPayload(ByteString.copyFrom(payload))
        .build()
        .toByteArray();
  }

  private static long allocatedBytes() {
    final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return threads.getCurrentThreadAllocatedBytes();
  }
}
