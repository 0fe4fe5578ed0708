package io.kafkabinlog.common.datadir;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.net.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's id (a pump's, a drainer's), kept in {@code <data-dir>/.node} as the original pump does,
 * so that a restarted node comes back under the same registry key (for a pump: the same raw
 * partition).
 *
 * <p>Order: the configured {@code node-id}; else the id stored in {@code .node}; else {@code
 * hostname:port} with the port of advertise-addr. Whatever is chosen is written to {@code .node}. A
 * configured id that differs from the stored one is refused: a data directory belongs to one node.
 */
public final class NodeIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);

  /** The file holding the id, as in the original. */
  public static final String NODE_FILE = ".node";

  private NodeIdentity() {}

  /**
   * Resolves and records the node id.
   *
   * @throws FatalBinlogException (CONFIG_INVALID) if the configured id differs from the stored one
   *     or an id is not usable as a registry key, or if {@code .node} cannot be read or written
   */
  public static String resolve(
      final Optional<String> configured, final Path dataDir, final HostPort advertiseAddr) {
    return resolve(configured, dataDir, advertiseAddr, NodeIdentity::localHostName);
  }

  static String resolve(
      final Optional<String> configured,
      final Path dataDir,
      final HostPort advertiseAddr,
      final Supplier<String> hostName) {
    final Path file = dataDir.resolve(NODE_FILE);
    final Optional<String> stored = read(file);
    if (configured.isPresent()) {
      final String id = valid(configured.get().trim(), "node-id");
      if (stored.isPresent() && !stored.get().equals(id)) {
        throw new FatalBinlogException(
            ErrorCode.CONFIG_INVALID,
            "node-id '"
                + id
                + "' differs from '"
                + stored.get()
                + "' stored in "
                + file
                + ": a data directory belongs to one node. Set node-id = \""
                + stored.get()
                + "\" to run that node, or give this node its own data-dir (delete "
                + file
                + " only if node '"
                + stored.get()
                + "' is retired)");
      }
      if (stored.isEmpty()) {
        write(file, id);
      }
      return id;
    }
    if (stored.isPresent()) {
      return valid(stored.get(), file.toString());
    }
    final String id = valid(hostName.get() + ":" + advertiseAddr.port(), "hostname:port");
    LOG.info("no node-id configured; using {} and recording it in {}", id, file);
    write(file, id);
    return id;
  }

  private static Optional<String> read(final Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      final String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID, "cannot read node id from " + file + " (data-dir)", e);
    }
  }

  /** Writes through a temporary file so that a crash never leaves a half-written id. */
  private static void write(final Path file, final String id) {
    try {
      Files.createDirectories(file.getParent());
      final Path tmp = file.resolveSibling(NODE_FILE + ".tmp");
      Files.writeString(tmp, id, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot write node id to " + file + " (check that data-dir is writable)",
          e);
    }
  }

  /** The id becomes an etcd key segment ({@code .../pumps/<id>}), as NodeStatus requires. */
  private static String valid(final String id, final String source) {
    if (id.isBlank() || id.contains("/")) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "node id '" + id + "' from " + source + " must be non-blank and contain no '/'");
    }
    return id;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot determine this host's name for the default node id; set node-id",
          e);
    }
  }
}
