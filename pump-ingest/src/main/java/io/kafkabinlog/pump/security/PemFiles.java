package io.kafkabinlog.pump.security;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files named in {@code [security]}; every error names the key whose file is wrong,
 * so that the message points at the line to change.
 */
final class PemFiles {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemFiles() {}

  /** Every certificate in the file, in order (leaf first for a chain). */
  static List<X509Certificate> certificates(final String key, final Path file) {
    final byte[] bytes = read(key, file);
    try {
      final List<X509Certificate> certs = new ArrayList<>();
      for (final var cert :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes))) {
        certs.add((X509Certificate) cert);
      }
      if (certs.isEmpty()) {
        throw invalid(key, file, "no PEM certificate in it", null);
      }
      return List.copyOf(certs);
    } catch (CertificateException e) {
      throw invalid(key, file, "not a PEM X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** An unencrypted PKCS#8 PEM private key (RSA, EC or EdDSA). */
  static PrivateKey privateKey(final String key, final Path file) {
    final String text = new String(read(key, file), StandardCharsets.US_ASCII);
    final Matcher m = PKCS8.matcher(text);
    if (!m.find()) {
      final String hint =
          text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
              ? "it is a PKCS#1/SEC1 key; convert it with `openssl pkcs8 -topk8 -nocrypt -in "
                  + file
                  + "`"
              : text.contains("BEGIN ENCRYPTED PRIVATE KEY")
                  ? "it is encrypted; the pump needs an unencrypted key (protect the file instead)"
                  : "no '-----BEGIN PRIVATE KEY-----' block in it";
      throw invalid(key, file, "not a PKCS#8 PEM private key: " + hint, null);
    }
    final byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw invalid(key, file, "the PEM block is not valid base64", e);
    }
    for (final String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw invalid(key, file, "the key is not an RSA, EC or EdDSA PKCS#8 key", null);
  }

  private static byte[] read(final String key, final Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw invalid(key, file, "cannot read it: " + e, e);
    }
  }

  static FatalBinlogException invalid(
      final String key, final Path file, final String what, final Throwable cause) {
    return new FatalBinlogException(
        ErrorCode.CONFIG_INVALID, "[security] " + key + " = " + file + ": " + what, cause);
  }
}
