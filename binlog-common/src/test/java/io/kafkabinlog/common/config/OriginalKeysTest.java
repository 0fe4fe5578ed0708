package io.kafkabinlog.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginalKeysTest {
  private static final SettingOrigin FILE = new SettingOrigin(SettingOrigin.Kind.FILE, "x.toml");

  private static final OriginalKeys KEYS =
      new OriginalKeys(
          Map.of("old-name", "new-name"),
          "does not apply and is ignored",
          Map.of("gc", "retention is Kafka's", "old-ignored", "gone"),
          "storage.",
          "binlogs live in Kafka");

  private static Settings settings(final Map<String, ?> values) {
    return Settings.of(values, FILE);
  }

  @Test
  void renamedKeyMovesUnlessTheNewOneIsSet() {
    assertThat(KEYS.adopt(settings(Map.of("old-name", "1"))).values())
        .isEqualTo(Map.of("new-name", "1"));
    assertThat(KEYS.adopt(settings(Map.of("old-name", "1", "new-name", "2"))).values())
        .isEqualTo(Map.of("new-name", "2"));
  }

  @Test
  void warnsOncePerIgnoredKeyAndOnceForTheIgnoredTable() {
    final Map<String, Object> values = new LinkedHashMap<>();
    values.put("gc", "7");
    values.put("storage.sync-log", "true");
    values.put("storage.kv.write-buffer", "1");
    values.put("old-ignored", " ");
    values.put("kept", "1");
    assertThat(KEYS.warnings(settings(values)))
        .containsExactly(
            "config key 'gc' (file x.toml) does not apply and is ignored: retention is Kafka's",
            "config table [storage] (file x.toml) does not apply and is ignored: binlogs live in"
                + " Kafka (keys: storage.sync-log, storage.kv.write-buffer)");
  }

  @Test
  void nothingIgnoredNoWarning() {
    assertThat(KEYS.warnings(settings(Map.of("kept", "1")))).isEmpty();
  }
}
