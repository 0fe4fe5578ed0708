package io.kafkabinlog.common.net;

import java.net.InetSocketAddress;
import org.apache.kafka.common.config.ConfigException;

/**
 * An address {@code host:port} as config files write it (port 0 for a listen address: any free
 * port).
 *
 * @param host host name or IP literal (IPv6 without brackets)
 * @param port 0..65535
 */
public record HostPort(String host, int port) {

  /**
   * Parses {@code text} given for {@code key}.
   *
   * @throws ConfigException naming the key if the text is not host:port
   */
  public static HostPort parse(final String key, final String text) {
    final int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new ConfigException(key, text, "must look like host:port, e.g. 127.0.0.1:8250");
    }
    final String host =
        text.startsWith("[") && text.charAt(colon - 1) == ']'
            ? text.substring(1, colon - 1)
            : text.substring(0, colon);
    try {
      final int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new ConfigException(key, text, "port must be 0..65535");
      }
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, text, "port is not a number");
    }
  }

  /** A {@code ConfigDef} validator: the value must be host:port. */
  public static void validate(final String key, final Object value) {
    parse(key, String.valueOf(value).trim());
  }

  /** A {@code ConfigDef} validator: the value must be host:port, or blank (a derived default). */
  public static void validateOrBlank(final String key, final Object value) {
    final String text = String.valueOf(value);
    if (!text.isBlank()) {
      parse(key, text.trim());
    }
  }

  /** True for 0.0.0.0, :: and the empty host: listen on every interface, not dialable. */
  public boolean isWildcard() {
    return host.isEmpty() || "0.0.0.0".equals(host) || "::".equals(host);
  }

  public HostPort withPort(final int newPort) {
    return new HostPort(host, newPort);
  }

  public InetSocketAddress toSocketAddress() {
    return isWildcard() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** {@code host:port}, with brackets around an IPv6 literal. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
