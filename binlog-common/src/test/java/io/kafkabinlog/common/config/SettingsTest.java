package io.kafkabinlog.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void shouldFlattenTomlTablesAndArraysToDottedKeys() throws Exception {
    final Path file = dir.resolve("drainer.toml");
    Files.writeString(
        file,
        """
        addr = "127.0.0.1:8249"
        heartbeat-interval = 2
        [syncer]
        worker-count = 16
        ignore-schemas = "INFORMATION_SCHEMA,mysql"
        [syncer.to]
        host = "127.0.0.1"
        [kafka]
        bootstrap-servers = ["a:9092", "b:9092"]
        """);

    final Settings settings = Settings.fromToml(file);

    assertThat(settings.values())
        .containsEntry("addr", "127.0.0.1:8249")
        .containsEntry("heartbeat-interval", "2")
        .containsEntry("syncer.worker-count", "16")
        .containsEntry("syncer.to.host", "127.0.0.1")
        .containsEntry("kafka.bootstrap-servers", List.of("a:9092", "b:9092"));
    assertThat(settings.origin("syncer.to.host"))
        .hasValueSatisfying(o -> assertThat(o.toString()).contains("drainer.toml"));
  }

  @Test
  void shouldKeepTheEntriesOfAnArrayOfTablesApartByIndex() throws Exception {
    final Path file = dir.resolve("mysql-sink.toml");
    Files.writeString(
        file,
        """
        [[syncer.ignore-table]]
        db-name = "a"
        tbl-name = "t1"
        [[syncer.ignore-table]]
        db-name = "b"
        tbl-name = "~^x"
        """);

    final Settings settings = Settings.fromToml(file);

    assertThat(settings.values())
        .containsOnly(
            Map.entry("syncer.ignore-table.0.db-name", "a"),
            Map.entry("syncer.ignore-table.0.tbl-name", "t1"),
            Map.entry("syncer.ignore-table.1.db-name", "b"),
            Map.entry("syncer.ignore-table.1.tbl-name", "~^x"));
  }

  @Test
  void shouldNameTheFileWhenItCannotBeParsed() throws Exception {
    final Path file = dir.resolve("broken.toml");
    Files.writeString(file, "addr = \n[[[");

    assertThatThrownBy(() -> Settings.fromToml(file))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("broken.toml");
  }

  @Test
  void shouldMapEnvironmentVariablesWithThePrefix() {
    final Settings settings =
        Settings.fromEnv(
            Map.of("PUMP_ADDR", "x:1", "PUMP_KAFKA__BOOTSTRAP_SERVERS", "k:9", "OTHER", "no"),
            "PUMP_");

    assertThat(settings.values())
        .containsOnly(Map.entry("addr", "x:1"), Map.entry("kafka.bootstrap-servers", "k:9"));
    assertThat(settings.origin("addr").orElseThrow().toString()).contains("PUMP_ADDR");
  }

  @Test
  void shouldLayerFileThenEnvironmentThenFlags() throws Exception {
    final Path file = dir.resolve("pump.toml");
    Files.writeString(file, "addr = \"file:1\"\nnode-id = \"from-file\"\ndata-dir = \"d\"\n");

    final Settings settings =
        Settings.load(
            List.of("--config=" + file, "--addr=flag:3"),
            Map.of("PUMP_ADDR", "env:2", "PUMP_NODE_ID", "from-env"),
            "PUMP_");

    assertThat(settings.values())
        .containsEntry("addr", "flag:3")
        .containsEntry("node-id", "from-env")
        .containsEntry("data-dir", "d")
        .doesNotContainKey("config");
  }

  @Test
  void shouldRejectArgumentsThatAreNotKeyValueFlags() {
    assertThatThrownBy(() -> Settings.fromFlags(List.of("--addr=x", "stray", "--novalue")))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("stray")
        .hasMessageContaining("--novalue");
  }

  @Test
  void shouldMoveARenamedKeyUnlessTheNewOneIsSet() {
    final SettingOrigin code = new SettingOrigin(SettingOrigin.Kind.FLAG, "test");
    assertThat(Settings.of(Map.of("old", "1"), code).withRenamedKey("old", "new").values())
        .containsOnly(Map.entry("new", "1"));
    assertThat(
            Settings.of(Map.of("old", "1", "new", "2"), code).withRenamedKey("old", "new").values())
        .containsOnly(Map.entry("new", "2"));
  }

  @Test
  void onlyKeepsTheChosenKeysWithTheirOrigins() {
    final Settings settings =
        Settings.of(Map.of("a", "1", "b.c", "2"), new SettingOrigin(SettingOrigin.Kind.FILE, "f"))
            .overriddenBy(
                Settings.of(
                    Map.of("b.d", "3"), new SettingOrigin(SettingOrigin.Kind.FLAG, "--b.d=3")));

    final Settings kept = settings.only(key -> key.startsWith("b."));

    assertThat(kept.values()).containsOnlyKeys("b.c", "b.d");
    assertThat(kept.origin("b.d"))
        .hasValueSatisfying(o -> assertThat(o.kind()).isEqualTo(SettingOrigin.Kind.FLAG));
    assertThat(kept.origin("a")).isEmpty();
  }
}
