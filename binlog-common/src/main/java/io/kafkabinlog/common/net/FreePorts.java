package io.kafkabinlog.common.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Turns a listen address with port 0 into one with a port that was free a moment ago. */
public final class FreePorts {
  private FreePorts() {}

  public static HostPort resolve(final HostPort address) {
    if (address.port() != 0) {
      return address;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(address.withPort(0).toSocketAddress());
      return address.withPort(socket.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + address.host(), e);
    }
  }
}
