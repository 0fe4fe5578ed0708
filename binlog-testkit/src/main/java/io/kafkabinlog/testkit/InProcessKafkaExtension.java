package io.kafkabinlog.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One {@link InProcessKafkaCluster} per test class (a cluster takes about two seconds). */
public final class InProcessKafkaExtension implements BeforeAllCallback, AfterAllCallback {
  private InProcessKafkaCluster cluster;

  @Override
  public void beforeAll(final ExtensionContext context) throws Exception {
    cluster = InProcessKafkaCluster.start();
  }

  @Override
  public void afterAll(final ExtensionContext context) throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }
}
