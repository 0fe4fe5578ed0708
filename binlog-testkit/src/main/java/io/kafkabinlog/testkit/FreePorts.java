package io.kafkabinlog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on 127.0.0.1 for servers a test starts in another process (which must be told a
 * port up front). A port may be taken again between this call and the child's bind; tests keep that
 * window short.
 */
public final class FreePorts {
  private FreePorts() {}

  public static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code 127.0.0.1:<free port>}. */
  public static String nextAddress() {
    return "127.0.0.1:" + next();
  }
}
