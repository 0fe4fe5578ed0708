package io.kafkabinlog.schemas.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FileDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.CisternGrpc;
import io.kafkabinlog.schemas.proto.binlog.CisternProto;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.PumpProto;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.secondary.SecondaryBinlog;
import org.junit.jupiter.api.Test;

/** The names a real TiDB, drainer or Kafka consumer addresses: services, methods, packages. */
class GrpcServiceDescriptorTest {

  @Test
  void pumpService() {
    ServiceDescriptor pump = PumpGrpc.getServiceDescriptor();
    assertThat(pump.getName()).isEqualTo("binlog.Pump");
    assertThat(pump.getMethods()).hasSize(2);
    assertThat(PumpGrpc.getWriteBinlogMethod().getFullMethodName())
        .isEqualTo("binlog.Pump/WriteBinlog");
    assertThat(PumpGrpc.getWriteBinlogMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(PumpGrpc.getPullBinlogsMethod().getFullMethodName())
        .isEqualTo("binlog.Pump/PullBinlogs");
    assertThat(PumpGrpc.getPullBinlogsMethod().getType()).isEqualTo(MethodType.SERVER_STREAMING);
  }

  @Test
  void cisternService() {
    ServiceDescriptor cistern = CisternGrpc.getServiceDescriptor();
    assertThat(cistern.getName()).isEqualTo("binlog.Cistern");
    assertThat(cistern.getMethods()).hasSize(3);
    assertThat(CisternGrpc.getNotifyMethod().getFullMethodName())
        .isEqualTo("binlog.Cistern/Notify");
    assertThat(CisternGrpc.getNotifyMethod().getType()).isEqualTo(MethodType.UNARY);
    assertThat(CisternGrpc.getDumpBinlogMethod().getFullMethodName())
        .isEqualTo("binlog.Cistern/DumpBinlog");
    assertThat(CisternGrpc.getDumpBinlogMethod().getType()).isEqualTo(MethodType.SERVER_STREAMING);
    assertThat(CisternGrpc.getDumpDDLJobsMethod().getFullMethodName())
        .isEqualTo("binlog.Cistern/DumpDDLJobs");
    assertThat(CisternGrpc.getDumpDDLJobsMethod().getType()).isEqualTo(MethodType.UNARY);
  }

  @Test
  void protobufPackagesAndSyntax() {
    assertThat(Binlog.getDescriptor().getFullName()).isEqualTo("binlog.Binlog");
    assertThat(WriteBinlogReq.getDescriptor().getFullName()).isEqualTo("binlog.WriteBinlogReq");
    assertThat(SecondaryBinlog.Binlog.getDescriptor().getFullName())
        .isEqualTo("slave.binlog.Binlog");

    assertThat(syntax(Binlog.getDescriptor().getFile())).isEqualTo("proto2");
    assertThat(syntax(SecondaryBinlog.getDescriptor())).isEqualTo("proto2");
    assertThat(syntax(PumpProto.getDescriptor())).isEqualTo("proto3");
    assertThat(syntax(CisternProto.getDescriptor())).isEqualTo("proto3");
  }

  private static String syntax(FileDescriptor file) {
    String s = file.toProto().getSyntax();
    return s.isEmpty() ? "proto2" : s;
  }
}
