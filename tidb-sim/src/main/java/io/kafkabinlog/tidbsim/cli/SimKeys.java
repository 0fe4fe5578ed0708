package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.net.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Settings shared by the tidb-sim commands. */
final class SimKeys {
  static final String DATA_DIR = "data-dir";
  static final String TSO_URLS = "tso-urls";
  static final String STATUS_ADDR = "status-addr";
  static final String LOCK_TTL = "lock-ttl";
  static final String DEFAULT_TSO_URL = "http://127.0.0.1:2479";
  static final String DEFAULT_DATA_DIR = "data.tidb-sim";

  private SimKeys() {}

  static ConfigDef dataDir(final ConfigDef def) {
    return def.define(
        DATA_DIR,
        Type.STRING,
        DEFAULT_DATA_DIR,
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Directory of the sim's durable state: DDL history, txn outcomes, expected state.");
  }

  static ConfigDef etcd(final ConfigDef def) {
    return PdSection.define(def);
  }

  static ConfigDef lockTtl(final ConfigDef def) {
    return def.define(
        LOCK_TTL,
        Type.STRING,
        "20s",
        DurationValidator.atLeast(Duration.ofSeconds(1), ChronoUnit.SECONDS),
        Importance.LOW,
        "How long an undecided transaction counts as locked (TiKV's lock TTL) for /txn-status.");
  }

  static ConfigDef statusAddr(final ConfigDef def, final String dflt, final String doc) {
    return def.define(
        STATUS_ADDR, Type.STRING, dflt, SimKeys::validateAddrOrEmpty, Importance.MEDIUM, doc);
  }

  static Path readDataDir(final ConfigReader r) {
    return Path.of(r.getString(DATA_DIR));
  }

  static List<URI> readUrls(final ConfigReader r, final String key) {
    return r.getList(key).stream().map(s -> URI.create(s.trim())).toList();
  }

  /** The address, or null when empty (= off). */
  static HostPort readAddr(final ConfigReader r, final String key) {
    String text = r.getString(key);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return HostPort.parse(key, text);
    } catch (ConfigException e) {
      return null; // reported by the validator
    }
  }

  static void validateAddrOrEmpty(final String name, final Object value) {
    String text = (String) value;
    if (text != null && !text.isBlank()) {
      HostPort.parse(name, text);
    }
  }

  static void validateAddr(final String name, final Object value) {
    HostPort.parse(name, (String) value);
  }

  static void validateUrls(final String name, final Object value) {
    List<?> urls = (List<?>) value;
    if (urls.isEmpty()) {
      throw new ConfigException(name, value, "needs at least one URL");
    }
    for (Object u : urls) {
      URI uri;
      try {
        uri = URI.create(String.valueOf(u).trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, "'" + u + "' is not a URL");
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
        throw new ConfigException(name, value, "'" + u + "' must look like http://host:port");
      }
    }
  }
}
