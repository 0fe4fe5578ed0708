package io.kafkabinlog.ordering.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.schemas.tableinfo.Job;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;

class DecodeStageStoresTest {
  private static final SchemaSource NO_SOURCE =
      new SchemaSource() {
        @Override
        public void forEachJob(final Consumer<Job> consumer) {}

        @Override
        public Optional<Job> job(final long jobId) {
          return Optional.empty();
        }
      };

  @Test
  void everyStoreIsPersistentAndLogged() {
    DecodeStage stage =
        new DecodeStage(
            DecodeHarness.settings(2, 10, PoisonPolicy.STOP), NO_SOURCE, OrderingObserver.NONE);
    assertThat(stage.storeBuilders())
        .extracting(StoreBuilder::name)
        .containsExactly(
            DecodeStage.TABLES_STORE,
            DecodeStage.DATABASES_STORE,
            DecodeStage.JOBS_STORE,
            DecodeStage.STATE_STORE);
    for (StoreBuilder<?> b : stage.storeBuilders()) {
      assertThat(b.loggingEnabled()).as(b.name()).isTrue();
      StateStore store = b.build();
      assertThat(store.persistent()).as(b.name()).isTrue();
    }
  }
}
