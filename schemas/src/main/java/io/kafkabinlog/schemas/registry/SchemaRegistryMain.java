package io.kafkabinlog.schemas.registry;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the schema registry:
 *
 * <pre>
 * java -cp ... io.kafkabinlog.schemas.registry.SchemaRegistryMain [--addr=127.0.0.1:8081]
 *     [--kafka.bootstrap-servers=127.0.0.1:9092] [--schemas-topic=_binlog_schemas]
 *     [--config=FILE]
 * </pre>
 *
 * FILE is a properties file with the same keys ({@code addr}, {@code kafka.bootstrap-servers},
 * {@code schemas-topic}); command-line options win. With {@code kafka.bootstrap-servers} the
 * registry persists to the compacted topic {@code schemas-topic} (default {@value #DEFAULT_TOPIC})
 * and replays it at start; without it, it keeps everything in memory.
 */
public final class SchemaRegistryMain {
  /** Default schemas topic. */
  public static final String DEFAULT_TOPIC = "_binlog_schemas";

  private SchemaRegistryMain() {}

  public static void main(final String[] args) throws Exception {
    Properties config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("schema-registry: " + e.getMessage());
      System.err.println(
          "usage: SchemaRegistryMain [--addr=HOST:PORT] [--kafka.bootstrap-servers=HOST:PORT]"
              + " [--schemas-topic=TOPIC] [--config=FILE]");
      System.exit(2);
      return;
    }
    String addr = config.getProperty("addr", "127.0.0.1:8081");
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      System.err.println("schema-registry: --addr must be HOST:PORT, got " + addr);
      System.exit(2);
    }
    String host = addr.substring(0, colon);
    int port = Integer.parseInt(addr.substring(colon + 1));
    String bootstrap = config.getProperty("kafka.bootstrap-servers", "").trim();
    String topic = config.getProperty("schemas-topic", DEFAULT_TOPIC).trim();

    KafkaEventLog log = null;
    SchemaStore store;
    if (bootstrap.isEmpty()) {
      store = new SchemaStore();
      System.out.println("schema-registry: in memory (no kafka.bootstrap-servers)");
    } else {
      log = new KafkaEventLog(bootstrap, topic);
      store = new SchemaStore(log);
      int n = log.replayInto(store);
      System.out.println(
          "schema-registry: replayed " + n + " events from " + topic + " on " + bootstrap);
    }
    SchemaRegistryServer server = SchemaRegistryServer.start(host, port, store);
    System.out.println("schema-registry: listening on " + server.url());
    CountDownLatch stopped = new CountDownLatch(1);
    KafkaEventLog finalLog = log;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  if (finalLog != null) {
                    finalLog.close();
                  }
                  System.out.println("schema-registry: stopped");
                  stopped.countDown();
                },
                "schema-registry-shutdown"));
    stopped.await();
  }

  /** Options: --config=FILE first, then --key=value overrides. */
  static Properties parse(final String[] args) throws IOException {
    Properties p = new Properties();
    for (String a : args) {
      if (a.startsWith("--config=")) {
        try (Reader r = Files.newBufferedReader(Path.of(a.substring(9)), StandardCharsets.UTF_8)) {
          p.load(r);
        }
      }
    }
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("unknown argument " + a);
      }
      String key = a.substring(2, a.indexOf('='));
      String value = a.substring(a.indexOf('=') + 1);
      switch (key) {
        case "config" -> {}
        case "addr", "kafka.bootstrap-servers", "schemas-topic" -> p.setProperty(key, value);
        default -> throw new IllegalArgumentException("unknown option --" + key);
      }
    }
    for (String key : p.stringPropertyNames()) {
      if (!key.equals("addr")
          && !key.equals("kafka.bootstrap-servers")
          && !key.equals("schemas-topic")) {
        throw new IllegalArgumentException("unknown config key " + key);
      }
    }
    return p;
  }
}
