package io.kafkabinlog.schemas.codec;

import java.util.HexFormat;

final class Hex {
  private Hex() {}

  static byte[] b(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
  }

  static String h(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }
}
