package io.kafkabinlog.common.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void shouldMakeNamedDaemonThreads() {
    final Thread thread = DaemonThreads.named("pump-lifecycle").newThread(() -> {});

    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getName()).isEqualTo("pump-lifecycle");
  }

  @Test
  void shouldNumberThreadsFromOne() {
    final ThreadFactory factory = DaemonThreads.numbered("pump-grpc");

    assertThat(factory.newThread(() -> {}).getName()).isEqualTo("pump-grpc-1");
    assertThat(factory.newThread(() -> {}).getName()).isEqualTo("pump-grpc-2");
    assertThat(factory.newThread(() -> {}).isDaemon()).isTrue();
  }
}
