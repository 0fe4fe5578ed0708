package io.kafkabinlog.schemas.codec;

import static io.kafkabinlog.schemas.codec.Hex.h;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Section 8.8 of the facts. */
class MetaKeysTest {

  @Test
  void historyJobKey() {
    assertThat(h(MetaKeys.historyJobKey(42)))
        .isEqualTo(
            ("6D 44 44 4C 4A 6F 62 48 69 FF 73 74 6F 72 79 00 00 00 FC 00 00 00 00 00 00 00 68"
                    + " 00 00 00 00 00 00 00 2A FF 00 00 00 00 00 00 00 00 F7")
                .replace(" ", ""));
  }

  @Test
  void databaseAndTableKeys() {
    assertThat(h(MetaKeys.databaseKey(2)))
        .isEqualTo(
            "6D 44 42 73 00 00 00 00 00 FA 00 00 00 00 00 00 00 68 44 42 3A 32 00 00 00 00 FB"
                .replace(" ", ""));
    assertThat(h(MetaKeys.tableKey(2, 100)))
        .isEqualTo(
            ("6D 44 42 3A 32 00 00 00 00 FB 00 00 00 00 00 00 00 68 54 61 62 6C 65 3A 31 30 FF"
                    + " 30 00 00 00 00 00 00 00 F8")
                .replace(" ", ""));
  }
}
