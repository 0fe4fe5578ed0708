package io.kafkabinlog.mysqlsink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterIdSourceTest {
  private static MysqlSinkConfig of(final Map<String, ?> values) {
    return MysqlSinkConfigLoader.from(
        Settings.of(values, new SettingOrigin(SettingOrigin.Kind.ENV, "test")));
  }

  @Test
  void aConfiguredClusterIdIsKeptWithoutAskingPd() {
    // tso-urls point nowhere: PD would fail if it were asked.
    final MysqlSinkConfig c = of(Map.of("cluster-id", "42", "tso-urls", "http://127.0.0.1:1"));
    assertThat(ClusterIdSource.resolve(c)).isSameAs(c);
  }

  @Test
  void anUnreachablePdIsReportedWithTheSetting() throws IOException {
    final int freePort;
    try (ServerSocket s = new ServerSocket(0)) {
      freePort = s.getLocalPort();
    }
    final MysqlSinkConfig c = of(Map.of("tso-urls", "http://127.0.0.1:" + freePort));
    assertThatThrownBy(() -> ClusterIdSource.resolve(c))
        .isInstanceOf(RetriableBinlogException.class)
        .hasMessageContaining("tso-urls")
        .hasMessageContaining("127.0.0.1:" + freePort)
        .hasMessageContaining("set cluster-id");
  }
}
