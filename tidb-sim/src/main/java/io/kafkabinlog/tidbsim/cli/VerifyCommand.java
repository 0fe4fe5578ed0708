package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.verify.VerificationResult;
import io.kafkabinlog.tidbsim.verify.Verifier;
import java.io.PrintStream;
import java.nio.file.Files;

/**
 * {@code tidb-sim verify}: compares the expected state the workloads wrote down with the downstream
 * database; exit code 1 on any difference.
 */
final class VerifyCommand {
  private VerifyCommand() {}

  static int run(final Settings settings, final PrintStream out) {
    VerifyConfig config = VerifyConfig.from(settings);
    if (!Files.isDirectory(config.dataDir())) {
      out.println(
          "tidb-sim verify: no data directory "
              + config.dataDir().toAbsolutePath()
              + " (set data-dir to the one `tidb-sim run` used)");
      return 2;
    }
    ExpectedState expected = ExpectedStateLog.replay(config.dataDir());
    String url = "jdbc:mariadb://" + config.host() + ":" + config.port() + "/?connectTimeout=10000";
    Verifier verifier =
        new Verifier(
            url,
            config.user(),
            config.password(),
            config.maxDiffRows(),
            Verifier.DEFAULT_FETCH_SIZE);
    VerificationResult result = verifier.verify(expected, out);
    out.println(
        result.ok()
            ? "tidb-sim verify: OK, the downstream matches the expected state"
            : "tidb-sim verify: DIFF in " + result.differing().size() + " table(s)");
    return result.exitCode();
  }
}
