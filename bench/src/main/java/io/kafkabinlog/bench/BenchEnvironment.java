package io.kafkabinlog.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the services are and how long to measure, from the same environment variables as the tests
 * ({@code ./scripts/services.sh env}) plus {@code BINLOG_BENCH_SECONDS}.
 *
 * @param etcdEndpoints etcd URLs
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param measureTime how long each measured phase runs
 * @param schemaRegistryUrl the schema registry's URL
 * @param mariaDb the MariaDB server ({@code BINLOG_MARIADB_*})
 */
public record BenchEnvironment(
    List<URI> etcdEndpoints,
    String kafkaBootstrap,
    Duration measureTime,
    String schemaRegistryUrl,
    MariaDb mariaDb) {

  /** Where MariaDB is; the password is never printed. */
  public record MariaDb(String host, int port, String user, String password) {
    @Override
    public String toString() {
      return "MariaDb[" + user + "@" + host + ":" + port + "]";
    }
  }

  public static BenchEnvironment from(final Map<String, String> env) {
    return new BenchEnvironment(
        Arrays.stream(env.getOrDefault("BINLOG_ETCD_ENDPOINTS", "http://127.0.0.1:2379").split(","))
            .map(s -> URI.create(s.trim()))
            .toList(),
        env.getOrDefault("BINLOG_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("BINLOG_BENCH_SECONDS", "5"))),
        env.getOrDefault("BINLOG_REGISTRY_URL", "http://127.0.0.1:8081"),
        new MariaDb(
            env.getOrDefault("BINLOG_MARIADB_HOST", "127.0.0.1"),
            Integer.parseInt(env.getOrDefault("BINLOG_MARIADB_PORT", "3307")),
            env.getOrDefault("BINLOG_MARIADB_USER", "root"),
            env.getOrDefault("BINLOG_MARIADB_PASSWORD", "")));
  }
}
