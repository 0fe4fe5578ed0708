package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * {@code tidb-sim verify}: the data directory whose expected state to check and the downstream
 * MySQL/MariaDB. The password comes from {@code mysql.password-file} or the environment ({@code
 * TIDB_SIM_MYSQL__PASSWORD}), never from a flag that {@code ps} shows.
 */
record VerifyConfig(
    Path dataDir, String host, int port, String user, String password, int maxDiffRows) {

  static ConfigDef definition() {
    ConfigDef def = new ConfigDef();
    SimKeys.dataDir(def);
    def.define("mysql.host", Type.STRING, "127.0.0.1", Importance.HIGH, "Downstream host.");
    def.define(
        "mysql.port", Type.INT, 3306, Range.between(1, 65535), Importance.HIGH, "Downstream port.");
    def.define("mysql.user", Type.STRING, "root", Importance.HIGH, "Downstream user.");
    def.define(
        "mysql.password", Type.PASSWORD, "", Importance.HIGH, "Password (env or file only).");
    def.define(
        "mysql.password-file", Type.STRING, "", Importance.HIGH, "File holding the password.");
    def.define(
        "max-diff-rows", Type.INT, 10, Range.atLeast(1), Importance.LOW, "Rows shown per table.");
    return def;
  }

  static VerifyConfig from(final Settings settings) {
    ConfigReader r = new ConfigReader("tidb-sim verify", definition(), settings, Set.of());
    r.check(
        settings
            .origin("mysql.password")
            .map(o -> o.kind() != SettingOrigin.Kind.FLAG)
            .orElse(true),
        "mysql.password",
        "a password on the command line is visible to every user of this machine; use"
            + " mysql.password-file or the TIDB_SIM_MYSQL__PASSWORD environment variable");
    String password = r.getPassword("mysql.password").value();
    String file = r.getString("mysql.password-file");
    if (file != null && !file.isBlank()) {
      try {
        password = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        r.problem("mysql.password-file", "cannot read " + file + ": " + e.getMessage());
      }
    }
    VerifyConfig config =
        new VerifyConfig(
            SimKeys.readDataDir(r),
            r.getString("mysql.host"),
            r.getInt("mysql.port"),
            r.getString("mysql.user"),
            password,
            r.getInt("max-diff-rows"));
    r.throwIfInvalid();
    return config;
  }
}
