package io.kafkabinlog.tidbsim.pumpclient;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.time.Duration;

/**
 * No pump is registered at all: TiDB refuses to start with binlog enabled ("no pump found in pd").
 */
public final class NoPumpFoundException extends FatalBinlogException {
  private static final long serialVersionUID = 1L;

  /**
   * @param etcdEndpoints where the client looked
   * @param pumpPrefix the key prefix it listed
   * @param waited how long it waited for a pump, or {@code null} if it did not wait
   */
  public NoPumpFoundException(
      final String etcdEndpoints, final String pumpPrefix, final Duration waited) {
    super(ErrorCode.PUMP_UNAVAILABLE, message(etcdEndpoints, pumpPrefix, waited));
  }

  private static String message(
      final String etcdEndpoints, final String pumpPrefix, final Duration waited) {
    final String where =
        "no pump found in pd: nothing is registered under "
            + pumpPrefix
            + " in etcd at "
            + etcdEndpoints;
    if (waited == null) {
      return where
          + "; start a pump first (it registers itself there), or set "
          + PumpClientConfig.WAIT_FOR_PUMPS
          + "=true to wait for one";
    }
    return where
        + " after waiting "
        + waited
        + "; start a pump, or raise "
        + PumpClientConfig.WAIT_FOR_PUMPS_TIMEOUT;
  }
}
