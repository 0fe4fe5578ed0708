package io.kafkabinlog.common.datadir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.net.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  private static final HostPort ADVERTISE = new HostPort("pump-host", 8250);

  @TempDir Path dir;

  private String resolve(final Optional<String> configured) {
    return NodeIdentity.resolve(configured, dir.resolve("data"), ADVERTISE, () -> "box");
  }

  private Path nodeFile() {
    return dir.resolve("data").resolve(".node");
  }

  @Test
  void aConfiguredIdWinsAndIsRecorded() throws Exception {
    assertThat(resolve(Optional.of("pump-1"))).isEqualTo("pump-1");
    assertThat(Files.readString(nodeFile())).isEqualTo("pump-1");
    // The same id again is fine.
    assertThat(resolve(Optional.of(" pump-1 "))).isEqualTo("pump-1");
  }

  @Test
  void withoutConfigurationTheStoredIdIsUsed() throws Exception {
    Files.createDirectories(nodeFile().getParent());
    Files.writeString(nodeFile(), "old-node:8250\n");
    assertThat(resolve(Optional.empty())).isEqualTo("old-node:8250");
  }

  @Test
  void otherwiseHostnameAndTheAdvertisedPortAreRecorded() throws Exception {
    assertThat(resolve(Optional.empty())).isEqualTo("box:8250");
    assertThat(Files.readString(nodeFile())).isEqualTo("box:8250");
    // A later start with another host name keeps the recorded id.
    assertThat(
            NodeIdentity.resolve(Optional.empty(), dir.resolve("data"), ADVERTISE, () -> "other"))
        .isEqualTo("box:8250");
  }

  @Test
  void aConfiguredIdOtherThanTheStoredOneIsRefused() throws Exception {
    resolve(Optional.of("pump-1"));
    assertThatThrownBy(() -> resolve(Optional.of("pump-2")))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("node-id 'pump-2' differs from 'pump-1'")
        .hasMessageContaining("belongs to one node")
        .hasMessageContaining("its own data-dir");
    assertThat(Files.readString(nodeFile())).isEqualTo("pump-1");
  }

  @Test
  void idsMustBeUsableAsRegistryKeys() throws Exception {
    assertThatThrownBy(() -> resolve(Optional.of("a/b")))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("'/'");
    Files.createDirectories(nodeFile().getParent());
    Files.writeString(nodeFile(), "x/y");
    assertThatThrownBy(() -> resolve(Optional.empty()))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(nodeFile().toString());
  }

  @Test
  void theDefaultHostNameIsThisHosts() {
    final String id = NodeIdentity.resolve(Optional.empty(), dir.resolve("real"), ADVERTISE);
    assertThat(id).endsWith(":8250").doesNotContain("/");
    assertThat(id.length()).isGreaterThan(":8250".length());
  }

  @Test
  void oneProcessPerDataDir() {
    final Path data = dir.resolve("locked");
    try (WriterLock lock = DataDirLock.acquire(data, "pump")) {
      assertThat(lock).isNotNull();
      assertThat(data.resolve(".lock")).exists();
      assertThatThrownBy(() -> DataDirLock.acquire(data, "pump"))
          .isInstanceOf(FatalBinlogException.class)
          .hasMessageContaining("in use by another pump");
    }
    DataDirLock.acquire(data, "pump").close();
  }
}
