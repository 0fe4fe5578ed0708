package io.kafkabinlog.tidbsim.cli;

import org.apache.kafka.common.config.ConfigException;

/** A listen address {@code host:port} (port 0: any free port). */
record HostPort(String host, int port) {

  static HostPort parse(final String key, final String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new ConfigException(key, text, "must look like host:port, e.g. 127.0.0.1:2479");
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new ConfigException(key, text, "port must be 0..65535");
      }
      return new HostPort(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, text, "port is not a number");
    }
  }
}
