package io.kafkabinlog.pump.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code cert-allowed-cn} for the status API: a client certificate the CA trusts is accepted only
 * with an allowed common name, so the handshake itself fails otherwise.
 */
final class CommonNameTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final Set<String> allowed;

  CommonNameTrustManager(final X509ExtendedTrustManager delegate, final List<String> allowed) {
    this.delegate = delegate;
    this.allowed = Set.copyOf(allowed);
  }

  private void checkName(final X509Certificate[] chain) throws CertificateException {
    final Optional<String> cn = CommonNames.ofLeaf(chain);
    if (cn.isEmpty() || !allowed.contains(cn.get())) {
      throw new CertificateException(
          "client certificate CN "
              + cn.map(c -> "'" + c + "'").orElse("(none)")
              + " is not in [security] cert-allowed-cn");
    }
  }

  @Override
  public void checkClientTrusted(final X509Certificate[] chain, final String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    checkName(chain);
  }

  @Override
  public void checkClientTrusted(
      final X509Certificate[] chain, final String authType, final Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    checkName(chain);
  }

  @Override
  public void checkClientTrusted(
      final X509Certificate[] chain, final String authType, final SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    checkName(chain);
  }

  @Override
  public void checkServerTrusted(final X509Certificate[] chain, final String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(
      final X509Certificate[] chain, final String authType, final Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(
      final X509Certificate[] chain, final String authType, final SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
