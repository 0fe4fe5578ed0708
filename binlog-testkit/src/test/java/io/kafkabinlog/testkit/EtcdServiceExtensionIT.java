package io.kafkabinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class EtcdServiceExtensionIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  @Test
  void shouldWriteAndReadUnderTheTestsOwnPrefixAndDeleteItOnCleanUp() throws Exception {
    assertThat(ETCD.prefix()).startsWith("/it/etcdserviceextensionit-shouldwrite");
    final ByteSequence key = bytes(ETCD.prefix() + "/a/b");
    ETCD.client().getKVClient().put(key, bytes("value")).get(10, TimeUnit.SECONDS);
    ETCD.client()
        .getKVClient()
        .put(bytes(ETCD.prefix() + "/c"), bytes("v2"))
        .get(10, TimeUnit.SECONDS);

    final var read = ETCD.client().getKVClient().get(key).get(10, TimeUnit.SECONDS);
    assertThat(read.getKvs()).hasSize(1);
    assertThat(read.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("value");
    assertThat(ETCD.countKeys()).isEqualTo(2);

    ETCD.cleanUp();

    assertThat(ETCD.countKeys()).isZero();
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
