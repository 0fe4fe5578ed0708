package io.kafkabinlog.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@code pd-urls}: the PD endpoints, whose embedded etcd holds the node registry. As in the
 * original, a comma-separated list (or a TOML array) of http(s) URLs. Also the keys every component
 * has beside it: {@code tso-urls} (PD's gRPC endpoints, when they differ) and {@code cluster-id}.
 */
public final class PdSection {
  public static final String PD_URLS = "pd-urls";
  public static final String DEFAULT_PD_URLS = "http://127.0.0.1:2379";
  public static final String TSO_URLS = "tso-urls";
  public static final String CLUSTER_ID = "cluster-id";

  private PdSection() {}

  public static ConfigDef define(final ConfigDef definition) {
    return definition.define(
        PD_URLS,
        ConfigDef.Type.LIST,
        DEFAULT_PD_URLS,
        PdSection::validateUrls,
        ConfigDef.Importance.HIGH,
        "PD (etcd) endpoints, e.g. http://127.0.0.1:2379; the node registry lives there.");
  }

  public static List<URI> read(final ConfigReader reader) {
    return reader.getUris(PD_URLS);
  }

  /** {@code tso-urls}: a list of PD endpoints, empty meaning {@code pd-urls}. */
  public static ConfigDef defineTsoUrls(
      final ConfigDef definition, final ConfigDef.Importance importance, final String doc) {
    return definition.define(
        TSO_URLS, ConfigDef.Type.LIST, "", PdSection::validateUrlsOrEmpty, importance, doc);
  }

  /** {@code tso-urls}, or {@code pd-urls} if it is empty. */
  public static List<URI> readTsoUrls(final ConfigReader reader) {
    return reader.getList(TSO_URLS).isEmpty() ? read(reader) : reader.getUris(TSO_URLS);
  }

  /** {@code cluster-id}: a PD cluster id, 0 meaning "ask PD" (what {@code doc} says of it). */
  public static ConfigDef defineClusterId(
      final ConfigDef definition, final ConfigDef.Importance importance, final String doc) {
    return definition.define(
        CLUSTER_ID, ConfigDef.Type.LONG, 0L, ConfigDef.Range.atLeast(0), importance, doc);
  }

  /**
   * The {@code pd-urls} check, for other keys holding PD endpoints (a pump's {@code tso-urls}): a
   * non-empty list of http(s)://host:port.
   */
  public static void validateUrls(final String name, final Object value) {
    final List<?> urls = (List<?>) value;
    if (urls.isEmpty()) {
      throw new ConfigException(name, value, "needs at least one URL");
    }
    for (final Object url : urls) {
      try {
        final URI uri = new URI(String.valueOf(url).trim());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null
            || uri.getPort() < 0) {
          throw new ConfigException(
              name, value, "'" + url + "' must look like http://host:port or https://host:port");
        }
      } catch (URISyntaxException e) {
        throw new ConfigException(name, value, "'" + url + "' is not a URL: " + e.getReason());
      }
    }
  }

  /** {@link #validateUrls}, or an empty list (a key that falls back to {@code pd-urls}). */
  public static void validateUrlsOrEmpty(final String name, final Object value) {
    if (!((List<?>) value).isEmpty()) {
      validateUrls(name, value);
    }
  }
}
