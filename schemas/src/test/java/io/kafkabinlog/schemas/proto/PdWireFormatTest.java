package io.kafkabinlog.schemas.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor.MethodType;
import io.kafkabinlog.schemas.proto.pd.Error;
import io.kafkabinlog.schemas.proto.pd.ErrorType;
import io.kafkabinlog.schemas.proto.pd.GetMembersRequest;
import io.kafkabinlog.schemas.proto.pd.GetMembersResponse;
import io.kafkabinlog.schemas.proto.pd.Member;
import io.kafkabinlog.schemas.proto.pd.PDGrpc;
import io.kafkabinlog.schemas.proto.pd.RequestHeader;
import io.kafkabinlog.schemas.proto.pd.ResponseHeader;
import io.kafkabinlog.schemas.proto.pd.Timestamp;
import io.kafkabinlog.schemas.proto.pd.TsoRequest;
import io.kafkabinlog.schemas.proto.pd.TsoResponse;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The PD subset against the field numbers and types of kvproto's pdpb.proto, byte by byte, and the
 * method names a real PD serves.
 */
class PdWireFormatTest {
  // uint64 on the wire; the top bit set makes it a negative long in Java.
  private static final long CLUSTER_ID = 0xF123_4567_89AB_CDEFL;

  private static void assertWire(final Message message, final Wire expected) throws Exception {
    final byte[] bytes = expected.toByteArray();
    assertThat(HexFormat.of().formatHex(message.toByteArray()))
        .as("wire bytes of %s", message.getDescriptorForType().getFullName())
        .isEqualTo(HexFormat.of().formatHex(bytes));
    assertThat(message.getParserForType().parseFrom(bytes)).isEqualTo(message);
  }

  @Test
  void serviceAndMethodNamesArePds() {
    assertThat(PDGrpc.getServiceDescriptor().getName()).isEqualTo("pdpb.PD");
    assertThat(PDGrpc.getTsoMethod().getFullMethodName()).isEqualTo("pdpb.PD/Tso");
    assertThat(PDGrpc.getTsoMethod().getType()).isEqualTo(MethodType.BIDI_STREAMING);
    assertThat(PDGrpc.getGetMembersMethod().getFullMethodName()).isEqualTo("pdpb.PD/GetMembers");
    assertThat(PDGrpc.getGetMembersMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(TsoRequest.getDescriptor().getFullName()).isEqualTo("pdpb.TsoRequest");
  }

  @Test
  void tsoRequest() throws Exception {
    assertWire(
        TsoRequest.newBuilder()
            .setHeader(RequestHeader.newBuilder().setClusterId(CLUSTER_ID).setSenderId(7))
            .setCount(300)
            .setDcLocation("global")
            .build(),
        new Wire()
            .message(1, new Wire().varint(1, CLUSTER_ID).varint(2, 7))
            .varint(2, 300)
            .string(3, "global"));
  }

  @Test
  void tsoResponse() throws Exception {
    assertWire(
        TsoResponse.newBuilder()
            .setHeader(
                ResponseHeader.newBuilder()
                    .setClusterId(CLUSTER_ID)
                    .setError(
                        Error.newBuilder().setType(ErrorType.INVALID_VALUE).setMessage("bad")))
            .setCount(3)
            .setTimestamp(
                Timestamp.newBuilder()
                    .setPhysical(1_714_000_000_123L)
                    .setLogical(200_000)
                    .setSuffixBits(2))
            .build(),
        new Wire()
            .message(
                1,
                new Wire()
                    .varint(1, CLUSTER_ID)
                    .message(2, new Wire().varint(1, 10).string(2, "bad")))
            .varint(2, 3)
            .message(3, new Wire().varint(1, 1_714_000_000_123L).varint(2, 200_000).varint(3, 2)));
  }

  @Test
  void getMembers() throws Exception {
    assertWire(
        GetMembersRequest.newBuilder()
            .setHeader(RequestHeader.newBuilder().setClusterId(5))
            .build(),
        new Wire().message(1, new Wire().varint(1, 5)));

    final Member member =
        Member.newBuilder()
            .setName("pd1")
            .setMemberId(9)
            .addPeerUrls("http://p:2380")
            .addClientUrls("http://c:2379")
            .setLeaderPriority(1)
            .setDeployPath("/d")
            .setBinaryVersion("v1")
            .setGitHash("g")
            .setDcLocation("dc")
            .build();
    final Wire memberWire =
        new Wire()
            .string(1, "pd1")
            .varint(2, 9)
            .string(3, "http://p:2380")
            .string(4, "http://c:2379")
            .varint(5, 1)
            .string(6, "/d")
            .string(7, "v1")
            .string(8, "g")
            .string(9, "dc");
    assertWire(
        GetMembersResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setClusterId(CLUSTER_ID))
            .addMembers(member)
            .setLeader(member)
            .setEtcdLeader(member)
            .putTsoAllocatorLeaders("dc", member)
            .build(),
        new Wire()
            .message(1, new Wire().varint(1, CLUSTER_ID))
            .message(2, memberWire)
            .message(3, memberWire)
            .message(4, memberWire)
            // A map entry is a message with key = 1 and value = 2.
            .message(5, new Wire().string(1, "dc").message(2, memberWire)));
  }
}
