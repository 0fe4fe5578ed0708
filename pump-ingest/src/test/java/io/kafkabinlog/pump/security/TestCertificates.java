package io.kafkabinlog.pump.security;

import io.kafkabinlog.pump.config.PumpConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away CA and certificates made with the {@code openssl} CLI: a server certificate for
 * localhost/127.0.0.1 (EC key) and client certificates with a chosen CN (RSA keys), all PKCS#8.
 */
public final class TestCertificates {
  private final Path dir;

  private TestCertificates(final Path dir) {
    this.dir = dir;
  }

  /** Creates the CA in {@code dir}; skips the test when openssl is not installed. */
  public static TestCertificates create(final Path dir) throws IOException, InterruptedException {
    Assumptions.assumeTrue(onPath("openssl"), "openssl is not on PATH");
    final TestCertificates certs = new TestCertificates(dir);
    certs.openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=test-ca");
    return certs;
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** {@code <name>.pem} and {@code <name>-key.pem} for the server, CN=pump. */
  public PumpConfig.Security server(final String name, final List<String> allowedCn)
      throws IOException, InterruptedException {
    issue(name, "pump", "ec", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    return new PumpConfig.Security(
        Optional.of(ca()),
        Optional.of(dir.resolve(name + ".pem")),
        Optional.of(dir.resolve(name + "-key.pem")),
        allowedCn);
  }

  /** A client certificate with the given CN, as a Security (CA, cert, key) for the client side. */
  public PumpConfig.Security client(final String name, final String cn)
      throws IOException, InterruptedException {
    issue(name, cn, "rsa:2048", "extendedKeyUsage=clientAuth");
    return new PumpConfig.Security(
        Optional.of(ca()),
        Optional.of(dir.resolve(name + ".pem")),
        Optional.of(dir.resolve(name + "-key.pem")),
        List.of());
  }

  private void issue(final String name, final String cn, final String keyType, final String ext)
      throws IOException, InterruptedException {
    final List<String> req = new ArrayList<>(List.of("req", "-new", "-nodes"));
    if ("ec".equals(keyType)) {
      req.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
    } else {
      req.addAll(List.of("-newkey", keyType));
    }
    req.addAll(List.of("-keyout", name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + cn));
    openssl(req.toArray(String[]::new));
    Files.writeString(dir.resolve(name + ".ext"), ext + "\n");
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-out",
        name + ".pem",
        "-days",
        "2",
        "-extfile",
        name + ".ext");
  }

  private void openssl(final String... args) throws IOException, InterruptedException {
    final List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    final Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  private static boolean onPath(final String program) {
    final String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (final String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
