package io.kafkabinlog.mysqlsink.app;

import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;

/**
 * The cluster id the sink works for: {@code cluster-id} if set, else PD's, asked once at start (the
 * pumps and the ordering stream learn theirs the same way, so all three agree on the topic names).
 */
public final class ClusterIdSource {
  private ClusterIdSource() {}

  /**
   * {@code config} with a non-zero cluster id.
   *
   * @throws RetriableBinlogException if cluster-id is 0 and PD cannot be asked
   */
  public static MysqlSinkConfig resolve(final MysqlSinkConfig config) {
    if (config.clusterId() != 0) {
      return config;
    }
    try (PdTimestampOracle pd =
        PdTimestampOracle.connect(config.tsoUrls(), PdTimestampOracle.DEFAULT_TIMEOUT, 0)) {
      return config.withClusterId(pd.clusterId());
    } catch (RetriableBinlogException e) {
      throw new RetriableBinlogException(
          e.code(),
          "cannot learn the cluster id from PD at tso-urls/pd-urls "
              + config.tsoUrls()
              + " ("
              + e.getMessage()
              + "); check the setting, or set cluster-id to start without PD",
          e);
    }
  }
}
