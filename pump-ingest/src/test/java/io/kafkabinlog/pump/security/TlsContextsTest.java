package io.kafkabinlog.pump.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.pump.config.PumpConfig;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {
  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(final String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(final InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Echo/Echo")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();

  @TempDir Path dir;
  private TestCertificates certs;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void createCertificates() throws Exception {
    certs = TestCertificates.create(dir);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private int startEcho(final PumpConfig.Security security) throws IOException {
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext("echo " + request);
                      response.onCompleted();
                    }))
            .build();
    final Optional<io.grpc.ServerInterceptor> cnCheck = TlsContexts.commonNameCheck(security);
    if (cnCheck.isPresent()) {
      echo = ServerInterceptors.intercept(echo, cnCheck.get());
    }
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(TlsContexts.grpcServer(security))
            .addService(echo)
            .build()
            .start();
    return server.getPort();
  }

  private String call(final int port, final SslContext clientContext) {
    channel = NettyChannelBuilder.forAddress("localhost", port).sslContext(clientContext).build();
    return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "hi");
  }

  @Test
  void aClientWithAnAllowedCommonNameIsServedOverTls() throws Exception {
    final int port = startEcho(certs.server("pump", List.of("tidb", "binlogctl")));
    final PumpConfig.Security tidb = certs.client("tidb", "tidb");
    assertThat(call(port, TlsContexts.pdClient(tidb))).isEqualTo("echo hi");
  }

  @Test
  void anyCaSignedClientIsServedWithoutCertAllowedCn() throws Exception {
    final int port = startEcho(certs.server("pump", List.of()));
    assertThat(call(port, TlsContexts.pdClient(certs.client("other", "whoever"))))
        .isEqualTo("echo hi");
  }

  @Test
  void anotherCommonNameIsDenied() throws Exception {
    final int port = startEcho(certs.server("pump", List.of("tidb")));
    final SslContext intruder = TlsContexts.pdClient(certs.client("intruder", "intruder"));
    assertThatThrownBy(() -> call(port, intruder))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .contains("'intruder'")
                  .contains("cert-allowed-cn");
            });
  }

  @Test
  void aClientWithoutACertificateCannotConnectWhenTheCaIsSet() throws Exception {
    final int port = startEcho(certs.server("pump", List.of()));
    final SslContext anonymous =
        GrpcSslContexts.forClient().trustManager(certs.ca().toFile()).build();
    assertThatThrownBy(() -> call(port, anonymous))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void theStatusContextRequiresAnAllowedClientCertificate() throws Exception {
    final SSLContext serverContext =
        TlsContexts.statusServer(certs.server("pump", List.of("binlogctl")));
    assertThat(serverContext.getDefaultSSLParameters().getNeedClientAuth()).isTrue();
    assertThat(handshake(serverContext, TlsContexts.statusServer(certs.client("ctl", "binlogctl"))))
        .isTrue();
    assertThat(handshake(serverContext, TlsContexts.statusServer(certs.client("bad", "intruder"))))
        .isFalse();
  }

  @Test
  void withoutACaTheStatusContextAsksNoClientCertificate() throws Exception {
    final PumpConfig.Security withCa = certs.server("pump", List.of());
    final PumpConfig.Security noCa =
        new PumpConfig.Security(Optional.empty(), withCa.sslCert(), withCa.sslKey(), List.of());
    assertThat(TlsContexts.statusServer(noCa).getDefaultSSLParameters().getNeedClientAuth())
        .isFalse();
  }

  /** A TLS handshake over a local socket pair; true if both sides accept it. */
  private static boolean handshake(final SSLContext serverContext, final SSLContext clientContext)
      throws Exception {
    try (var listener = serverContext.getServerSocketFactory().createServerSocket(0)) {
      final var serverSocket = (javax.net.ssl.SSLServerSocket) listener;
      serverSocket.setSSLParameters(serverContext.getDefaultSSLParameters());
      final var accepted =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) serverSocket.accept()) {
                  s.startHandshake();
                  return s.getInputStream().read() == 1;
                } catch (IOException e) {
                  return false;
                }
              });
      try (SSLSocket client =
          (SSLSocket)
              clientContext
                  .getSocketFactory()
                  .createSocket("localhost", serverSocket.getLocalPort())) {
        client.startHandshake();
        client.getOutputStream().write(1);
        client.getOutputStream().flush();
      } catch (SSLHandshakeException | java.net.SocketException e) {
        // refused by the server (TLS 1.3 may report it on the first write)
      }
      return accepted.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void unreadableOrInvalidFilesNameTheirKey() throws Exception {
    final PumpConfig.Security good = certs.server("pump", List.of());
    final Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file");
    assertThatThrownBy(
            () ->
                TlsContexts.grpcServer(
                    new PumpConfig.Security(
                        good.sslCa(), good.sslCert(), Optional.of(garbage), List.of())))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("[security] ssl-key = " + garbage)
        .hasMessageContaining("PKCS#8");
    assertThatThrownBy(
            () ->
                TlsContexts.statusServer(
                    new PumpConfig.Security(
                        Optional.of(garbage), good.sslCert(), good.sslKey(), List.of())))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("[security] ssl-ca = " + garbage);
    final Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(
            () ->
                TlsContexts.pdClient(
                    new PumpConfig.Security(
                        good.sslCa(), Optional.of(missing), good.sslKey(), List.of())))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("[security] ssl-cert = " + missing)
        .hasMessageContaining("cannot read");
    final Path pkcs1 =
        Files.writeString(
            dir.resolve("rsa.pem"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(
            () ->
                TlsContexts.grpcServer(
                    new PumpConfig.Security(
                        good.sslCa(), good.sslCert(), Optional.of(pkcs1), List.of())))
        .hasMessageContaining("[security] ssl-key")
        .hasMessageContaining("openssl pkcs8 -topk8");
  }
}
