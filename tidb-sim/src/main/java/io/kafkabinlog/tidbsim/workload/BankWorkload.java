package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.engine.Txn;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.math.BigDecimal;
import java.util.Random;

/**
 * Bank transfers: {@code accounts} accounts of 1000.00 each, then transfers between two random
 * accounts, each a multi-statement transaction ({@code SELECT ... FOR UPDATE} both rows, two {@code
 * UPDATE}s). The total never changes, in the sim and in any consistent downstream.
 */
public final class BankWorkload implements Workload {
  static final String DATABASE = "bank";
  static final BigDecimal INITIAL = new BigDecimal("1000.00");
  private static final int INSERT_BATCH = 200;

  @Override
  public String name() {
    return "bank";
  }

  static TableSpec accountsSpec() {
    return TableSpec.builder("accounts")
        .column(ColumnSpec.bigint("id").notNull())
        .column(ColumnSpec.decimal("balance", 20, 2).notNull())
        .column(ColumnSpec.bigint("version").notNull().defaultValue("0"))
        .primaryKey("id")
        .build();
  }

  @Override
  public void run(final SimCluster sim, final WorkloadOptions options, final Progress progress) {
    String db = options.databaseOr(DATABASE);
    TableInfo accounts = Schemas.ensureTable(sim, db, accountsSpec(), null);
    int n = options.accounts();
    int existing = sim.rowCount(accounts.id());
    for (int from = existing + 1; from <= n; from += INSERT_BATCH) {
      int first = from;
      int last = Math.min(n, from + INSERT_BATCH - 1);
      sim.inTxn(
          3,
          txn -> {
            TableInfo t = txn.table(db, "accounts");
            for (long id = first; id <= last; id++) {
              txn.insert(t, Rows.of(t, "id", id, "balance", INITIAL, "version", 0L));
            }
            return null;
          });
    }
    int size = Math.max(n, existing);
    SessionLoop.run(
        options,
        progress,
        1000,
        (session, random, i) -> sim.inTxn(20, txn -> transfer(txn, db, size, random)));
    BigDecimal total = total(sim, db, size);
    BigDecimal want = INITIAL.multiply(BigDecimal.valueOf(size));
    if (total.compareTo(want) != 0) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "bank total changed: " + total + ", expected " + want);
    }
    progress.done();
  }

  private static Void transfer(final Txn txn, final String db, final int size, final Random r) {
    TableInfo t = txn.table(db, "accounts");
    long a = 1 + r.nextInt(size);
    long b = 1 + r.nextInt(size - 1);
    if (b >= a) {
      b++;
    }
    // Lock in id order, as careful applications do, so transfers do not deadlock.
    long first = Math.min(a, b);
    long second = Math.max(a, b);
    SimRow rowFirst = txn.getForUpdate(t, Rows.of(t, "id", first)).orElseThrow();
    SimRow rowSecond = txn.getForUpdate(t, Rows.of(t, "id", second)).orElseThrow();
    SimRow from = a == first ? rowFirst : rowSecond;
    SimRow to = a == first ? rowSecond : rowFirst;
    BigDecimal fromBalance = (BigDecimal) Rows.get(t, from, "balance");
    BigDecimal amount = BigDecimal.valueOf(1 + r.nextInt(10_000), 2).min(fromBalance);
    txn.update(t, from, bump(t, from, fromBalance.subtract(amount)));
    BigDecimal toBalance = (BigDecimal) Rows.get(t, to, "balance");
    txn.update(t, to, bump(t, to, toBalance.add(amount)));
    return null;
  }

  private static SimRow bump(final TableInfo t, final SimRow row, final BigDecimal balance) {
    long version = ((Number) Rows.get(t, row, "version")).longValue();
    return Rows.of(t, "balance", balance.setScale(2), "version", version + 1);
  }

  private static BigDecimal total(final SimCluster sim, final String db, final int size) {
    return sim.inTxn(
        3,
        txn -> {
          TableInfo t = txn.table(db, "accounts");
          BigDecimal sum = BigDecimal.ZERO;
          for (long id = 1; id <= size; id++) {
            sum =
                sum.add(
                    (BigDecimal)
                        Rows.get(
                            t, txn.getForUpdate(t, Rows.of(t, "id", id)).orElseThrow(), "balance"));
          }
          return sum;
        });
  }
}
