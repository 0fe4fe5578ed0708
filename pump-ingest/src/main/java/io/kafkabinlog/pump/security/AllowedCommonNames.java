package io.kafkabinlog.pump.security;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [security] cert-allowed-cn} for gRPC: a call is served only if the client's certificate
 * has one of the allowed common names; otherwise it fails with PERMISSION_DENIED before reaching
 * the service.
 */
public final class AllowedCommonNames implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AllowedCommonNames.class);

  private final Set<String> allowed;

  public AllowedCommonNames(final List<String> allowed) {
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("no common names allowed: leave the interceptor out");
    }
    this.allowed = Set.copyOf(allowed);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      final ServerCall<Q, R> call, final Metadata headers, final ServerCallHandler<Q, R> next) {
    final Optional<String> cn =
        peerCommonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (cn.isPresent() && allowed.contains(cn.get())) {
      return next.startCall(call, headers);
    }
    final String who = cn.map(c -> "certificate CN '" + c + "'").orElse("no client certificate");
    LOG.debug(
        "refused {} from {}: {}",
        call.getMethodDescriptor().getFullMethodName(),
        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
        who);
    call.close(
        Status.PERMISSION_DENIED.withDescription(
            who + " is not in this pump's [security] cert-allowed-cn"),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static Optional<String> peerCommonName(final SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      final Certificate[] chain = session.getPeerCertificates();
      return CommonNames.ofLeaf(chain);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
