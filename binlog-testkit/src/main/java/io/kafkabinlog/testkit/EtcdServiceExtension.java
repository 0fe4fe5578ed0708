package io.kafkabinlog.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Connects integration tests to the real local etcd. Each test gets its own key prefix ({@link
 * #prefix()}, e.g. {@code /it/<class>-<method>-<random>}) and everything under it is deleted after
 * the test.
 */
public final class EtcdServiceExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final ServiceEndpoints endpoints;
  private Client client;
  private String prefix;

  public EtcdServiceExtension() {
    this(ServiceEndpoints.fromEnvironment());
  }

  public EtcdServiceExtension(final ServiceEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void beforeAll(final ExtensionContext context) {
    client =
        Client.builder()
            .endpoints(
                Arrays.stream(endpoints.etcdEndpoints().split(","))
                    .map(s -> URI.create(s.trim()))
                    .toArray(URI[]::new))
            .build();
    try {
      client
          .getKVClient()
          .get(bytes("/"), GetOption.builder().withCountOnly(true).build())
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.close();
      client = null;
      fail(ServiceEndpoints.unreachable("etcd", endpoints.etcdEndpoints(), e));
    }
  }

  @Override
  public void beforeEach(final ExtensionContext context) {
    prefix = "/it/" + TestNames.unique(context, 100);
  }

  @Override
  public void afterEach(final ExtensionContext context) throws Exception {
    cleanUp();
  }

  @Override
  public void afterAll(final ExtensionContext context) {
    if (client != null) {
      client.close();
    }
  }

  public Client client() {
    return client;
  }

  /** The running test's key prefix, without a trailing slash; nothing else writes under it. */
  public String prefix() {
    return prefix;
  }

  public String endpoints() {
    return endpoints.etcdEndpoints();
  }

  /** Deletes every key under the running test's prefix; runs after each test. */
  public void cleanUp() throws Exception {
    if (prefix != null) {
      client
          .getKVClient()
          .delete(bytes(prefix + "/"), DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
    }
  }

  /** Number of keys under the running test's prefix. */
  public long countKeys() throws Exception {
    return client
        .getKVClient()
        .get(bytes(prefix + "/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .get(10, TimeUnit.SECONDS)
        .getCount();
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
