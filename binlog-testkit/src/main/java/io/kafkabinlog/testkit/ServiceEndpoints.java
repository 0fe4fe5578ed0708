package io.kafkabinlog.testkit;

import java.util.Map;

/**
 * Where the real local services are, from environment variables with the defaults that {@code
 * ./scripts/services.sh} uses ({@code ./scripts/services.sh env} prints them).
 *
 * @param kafkaBootstrap {@code BINLOG_KAFKA_BOOTSTRAP}, default 127.0.0.1:9092
 * @param etcdEndpoints {@code BINLOG_ETCD_ENDPOINTS}, default http://127.0.0.1:2379
 * @param mariaDbHost {@code BINLOG_MARIADB_HOST}, default 127.0.0.1
 * @param mariaDbPort {@code BINLOG_MARIADB_PORT}, default 3307
 * @param mariaDbUser {@code BINLOG_MARIADB_USER}, default root
 * @param mariaDbPassword {@code BINLOG_MARIADB_PASSWORD}, default empty
 */
public record ServiceEndpoints(
    String kafkaBootstrap,
    String etcdEndpoints,
    String mariaDbHost,
    int mariaDbPort,
    String mariaDbUser,
    String mariaDbPassword,
    String schemaRegistryUrl) {

  /** Told in every "service not reachable" failure. */
  public static final String HOW_TO_START =
      "start the local services with ./scripts/services.sh start"
          + " (./scripts/test.sh does it for you), or point the tests elsewhere with the"
          + " BINLOG_* environment variables that ./scripts/services.sh env prints";

  /** The failure message of a fixture whose service does not answer. */
  static String unreachable(final String service, final String where, final Object cause) {
    return service + " is not reachable at " + where + " (" + cause + "); " + HOW_TO_START;
  }

  public static ServiceEndpoints fromEnvironment() {
    return from(System.getenv());
  }

  static ServiceEndpoints from(final Map<String, String> env) {
    return new ServiceEndpoints(
        env.getOrDefault("BINLOG_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        env.getOrDefault("BINLOG_ETCD_ENDPOINTS", "http://127.0.0.1:2379"),
        env.getOrDefault("BINLOG_MARIADB_HOST", "127.0.0.1"),
        Integer.parseInt(env.getOrDefault("BINLOG_MARIADB_PORT", "3307")),
        env.getOrDefault("BINLOG_MARIADB_USER", "root"),
        env.getOrDefault("BINLOG_MARIADB_PASSWORD", ""),
        env.getOrDefault("BINLOG_REGISTRY_URL", "http://127.0.0.1:8081"));
  }

  /** JDBC URL of the server, optionally with a default database. */
  public String mariaDbJdbcUrl(final String database) {
    return "jdbc:mariadb://"
        + mariaDbHost
        + ":"
        + mariaDbPort
        + "/"
        + (database == null ? "" : database)
        + "?connectTimeout=5000";
  }
}
