package io.kafkabinlog.pump.security;

import io.grpc.ServerInterceptor;
import io.grpc.netty.GrpcSslContexts;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.pump.config.PumpConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS from {@code [security]}, as the original applies it: the pump's gRPC server and status API
 * serve its certificate and, when {@code ssl-ca} is set, require a client certificate signed by
 * that CA; the etcd/PD client presents the same certificate and trusts the same CA.
 *
 * <p>All contexts use the JDK's TLS provider (no native library to ship). Unreadable or invalid
 * files fail with a {@link FatalBinlogException} naming the {@code [security]} key.
 */
public final class TlsContexts {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsContexts() {}

  /**
   * The gRPC server's context; {@code security} must be {@linkplain PumpConfig.Security#enabled
   * enabled}.
   */
  public static SslContext grpcServer(final PumpConfig.Security security) {
    final Material m = Material.of(security);
    final SslContextBuilder builder =
        GrpcSslContexts.configure(
            SslContextBuilder.forServer(m.key(), m.chain().toArray(X509Certificate[]::new)),
            SslProvider.JDK);
    m.ca()
        .ifPresent(
            ca ->
                builder
                    .trustManager(ca.toArray(X509Certificate[]::new))
                    .clientAuth(ClientAuth.REQUIRE));
    return build(builder, "gRPC server");
  }

  /**
   * The status API's context. With {@code ssl-ca}, client certificates are required (its default
   * SSL parameters say so, which {@code HttpsConfigurator} applies) and, with {@code
   * cert-allowed-cn}, their CN is checked during the handshake.
   */
  public static SSLContext statusServer(final PumpConfig.Security security) {
    final Material m = Material.of(security);
    try {
      final KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("pump", m.key(), NO_PASSWORD, m.chain().toArray(X509Certificate[]::new));
      final KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, NO_PASSWORD);
      TrustManager[] trust = null;
      if (m.ca().isPresent()) {
        final X509ExtendedTrustManager caTrust = trustManager(m.ca().get());
        trust =
            new TrustManager[] {
              security.certAllowedCn().isEmpty()
                  ? caTrust
                  : new CommonNameTrustManager(caTrust, security.certAllowedCn())
            };
      }
      final SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), trust, null);
      return m.ca().isPresent() ? new ClientAuthRequiredContext(context) : context;
    } catch (GeneralSecurityException | IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot build the status API's TLS context from [security] ssl-cert/ssl-key/ssl-ca: "
              + e.getMessage(),
          e);
    }
  }

  /** The context for dialling etcd/PD (jetcd's {@code ClientBuilder.sslContext}). */
  public static SslContext pdClient(final PumpConfig.Security security) {
    final Material m = Material.of(security);
    final SslContextBuilder builder =
        GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
            .keyManager(m.key(), m.chain().toArray(X509Certificate[]::new));
    m.ca().ifPresent(ca -> builder.trustManager(ca.toArray(X509Certificate[]::new)));
    return build(builder, "PD/etcd client");
  }

  /** The gRPC check of {@code cert-allowed-cn}; empty when any CA-signed client is allowed. */
  public static Optional<ServerInterceptor> commonNameCheck(final PumpConfig.Security security) {
    return security.certAllowedCn().isEmpty()
        ? Optional.empty()
        : Optional.of(new AllowedCommonNames(security.certAllowedCn()));
  }

  private static SslContext build(final SslContextBuilder builder, final String what) {
    try {
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot build the "
              + what
              + " TLS context from [security] ssl-cert/ssl-key/ssl-ca: "
              + e.getMessage(),
          e);
    }
  }

  private static X509ExtendedTrustManager trustManager(final List<X509Certificate> ca)
      throws GeneralSecurityException, IOException {
    final KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < ca.size(); i++) {
      store.setCertificateEntry("ca-" + i, ca.get(i));
    }
    final TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    for (final TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager for the CA");
  }

  /** The parsed files, each error naming its key. */
  private record Material(
      List<X509Certificate> chain, PrivateKey key, Optional<List<X509Certificate>> ca) {
    static Material of(final PumpConfig.Security security) {
      final Path certFile = security.sslCert().orElseThrow(() -> notEnabled("ssl-cert"));
      final Path keyFile = security.sslKey().orElseThrow(() -> notEnabled("ssl-key"));
      return new Material(
          PemFiles.certificates("ssl-cert", certFile),
          PemFiles.privateKey("ssl-key", keyFile),
          security.sslCa().map(ca -> PemFiles.certificates("ssl-ca", ca)));
    }

    private static IllegalStateException notEnabled(final String key) {
      return new IllegalStateException("[security] " + key + " is not set: TLS is not enabled");
    }
  }
}
