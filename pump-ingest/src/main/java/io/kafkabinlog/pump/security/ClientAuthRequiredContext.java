package io.kafkabinlog.pump.security;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An initialised context whose engines and default parameters require a client certificate. The
 * requirement travels with the context, so the status server (whose {@code HttpsConfigurator}
 * applies the default parameters) needs no separate flag.
 */
final class ClientAuthRequiredContext extends SSLContext {
  ClientAuthRequiredContext(final SSLContext delegate) {
    super(new Spi(delegate), delegate.getProvider(), delegate.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;

    Spi(final SSLContext delegate) {
      this.delegate = delegate;
    }

    @Override
    protected void engineInit(final KeyManager[] km, final TrustManager[] tm, final SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return needingClientAuth(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(final String host, final int port) {
      return needingClientAuth(delegate.createSSLEngine(host, port));
    }

    private static SSLEngine needingClientAuth(final SSLEngine engine) {
      engine.setNeedClientAuth(true);
      return engine;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      final SSLParameters parameters = delegate.getDefaultSSLParameters();
      parameters.setNeedClientAuth(true);
      return parameters;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }
}
