package io.kafkabinlog.ordering.decode;

import static io.kafkabinlog.ordering.decode.Rows.image;
import static io.kafkabinlog.ordering.decode.Rows.row;
import static io.kafkabinlog.ordering.decode.Rows.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.ordering.decode.DecodeHarness.Out;
import io.kafkabinlog.ordering.decode.DecodeHarness.Txn;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction of tens of MiB decodes through {@code openAt} from 64 KiB fragments: the payload
 * never hands out its bytes, and each fragment is fetched about once per pass.
 */
class LargeTransactionDecodeTest {
  private static final int FRAGMENT = 64 * 1024;
  private static final int ROWS = 21_000;

  @TempDir Path dir;
  private DecodeHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private Txn bigTransaction(final PoisonPolicy policy) {
    h = new DecodeHarness(dir, DecodeHarness.settings(2, 1000, policy));
    h.ddl(new CreateDatabase("shop"));
    h.ddl(new CreateTable("shop", Rows.items()));
    TableInfo items = h.table("shop", "items");
    String filler = "y".repeat(990);
    return h.dml(
        b -> {
          for (long id = 0; id < ROWS; id++) {
            b.insert(items, row(items, "id", id, "label", String.format("%08d", id) + filler));
          }
          // and a few changes at the end, after the inserts in sequence order
          b.update(
              items,
              row(items, "id", 0L, "label", String.format("%08d", 0) + filler),
              row(items, "id", 0L, "label", "changed"));
          b.delete(items, row(items, "id", 1L, "label", String.format("%08d", 1) + filler));
        });
  }

  private void decodeCounting(final Txn txn, final long maxFetchesPerFragment) {
    assertThat(txn.binlog().length).isGreaterThan(20 * 1024 * 1024);
    AtomicReference<CountingPayload> payload = new AtomicReference<>();
    h.payloads(
        bytes -> {
          CountingPayload p = new CountingPayload(bytes, FRAGMENT);
          payload.set(p);
          return p;
        });
    h.send(txn);

    int fragments = payload.get().fragmentCount();
    assertThat(payload.get().fetches())
        .as("fragment fetches for %s fragments", fragments)
        .isLessThanOrEqualTo(maxFetchesPerFragment * fragments + 8);

    List<Out> txnOut = h.txn();
    // ~1 KiB rows: the 512 KiB byte limit cuts records before the 1000-row limit does
    assertThat(txnOut.size()).isGreaterThan((ROWS + 2) / 1000);
    for (int i = 0; i < txnOut.size(); i++) {
      GenericRecord t = txnOut.get(i).value();
      assertThat((Integer) t.get("fragment")).isEqualTo(i);
      assertThat((Boolean) t.get("last_fragment")).isEqualTo(i == txnOut.size() - 1);
      assertThat(rowsOf(t).size()).isBetween(1, 1000);
    }
    List<GenericRecord> rows = new ArrayList<>();
    txnOut.forEach(o -> rows.addAll(rowsOf(o.value())));
    assertThat(rows.size()).isEqualTo(ROWS + 2);
    for (int i = 0; i < ROWS; i++) {
      String label = (String) image(rows.get(i), "after").get("label");
      assertThat(label).startsWith(String.format("%08d", i));
      assertThat((Long) image(rows.get(i), "after").get("id")).isEqualTo(i);
    }
    assertThat(Rows.type(rows.get(ROWS))).isEqualTo("UPDATE");
    assertThat(image(rows.get(ROWS), "after").get("label")).isEqualTo("changed");
    assertThat(Rows.type(rows.get(ROWS + 1))).isEqualTo("DELETE");
    assertThat(h.rows().stream().mapToInt(o -> rowsOf(o.value()).size()).sum()).isEqualTo(ROWS + 2);
  }

  @Test
  void decodesFromFragmentsReadingEachAboutTwice() {
    // pass 1 (structure) + the inserted-rows cursor; the other cursors read only their own part.
    decodeCounting(bigTransaction(PoisonPolicy.STOP), 2);
  }

  @Test
  void deadLetterPolicyValidatesFirstWithOneMorePass() {
    decodeCounting(bigTransaction(PoisonPolicy.DEAD_LETTER), 3);
  }
}
