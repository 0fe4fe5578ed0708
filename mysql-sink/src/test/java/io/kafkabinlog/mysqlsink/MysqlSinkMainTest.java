package io.kafkabinlog.mysqlsink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlSinkMainTest {
  @Test
  void helpExitsZero() {
    assertThat(MysqlSinkMain.run(List.of("--help"), Map.of())).isZero();
  }

  @Test
  void anInvalidConfigurationExitsTwoBeforeConnectingAnywhere() {
    assertThat(MysqlSinkMain.run(List.of("--syncer.worker-count=0"), Map.of())).isEqualTo(2);
    assertThat(MysqlSinkMain.run(List.of("--config=/nonexistent/mysql-sink.toml"), Map.of()))
        .isEqualTo(2);
  }

  @Test
  void thePartitionedModeStartsLikeTheTransactionalOneAndATakenStatusAddrExitsOne()
      throws Exception {
    // Fails at the status port, before connecting anywhere: the mode itself is accepted.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(
              MysqlSinkMain.run(
                  List.of(
                      "--cluster-id=1",
                      "--mode=partitioned",
                      "--status-addr=127.0.0.1:" + taken.getLocalPort()),
                  Map.of("MYSQL_SINK_SYNCER__TO__PORT", "1")))
          .isEqualTo(1);
    }
  }
}
