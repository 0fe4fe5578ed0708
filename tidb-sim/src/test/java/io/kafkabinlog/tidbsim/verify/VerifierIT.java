package io.kafkabinlog.tidbsim.verify;

import static io.kafkabinlog.tidbsim.TableFixtures.PK;
import static io.kafkabinlog.tidbsim.TableFixtures.bytes;
import static io.kafkabinlog.tidbsim.TableFixtures.createSchema;
import static io.kafkabinlog.tidbsim.TableFixtures.dropSchema;
import static io.kafkabinlog.tidbsim.TableFixtures.elems;
import static io.kafkabinlog.tidbsim.TableFixtures.table;
import static io.kafkabinlog.tidbsim.TableFixtures.tableJob;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.expected.LogEntry;
import io.kafkabinlog.tidbsim.expected.PayloadRowGenerator;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(120)
class VerifierIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  @TempDir Path dataDir;

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  private VerificationResult verify(final ExpectedState state) {
    Verifier verifier =
        new Verifier(
            MARIADB.jdbcUrl(),
            MARIADB.endpoints().mariaDbUser(),
            MARIADB.endpoints().mariaDbPassword(),
            10,
            7);
    output.reset();
    return verifier.verify(state, new PrintStream(output, true, StandardCharsets.UTF_8));
  }

  private String printed() {
    return output.toString(StandardCharsets.UTF_8);
  }

  private static void execute(final Connection conn, final String... sql) throws Exception {
    try (Statement s = conn.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static Map<Long, Object> values(final Object... kv) {
    Map<Long, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(((Number) kv[i]).longValue(), kv[i + 1]);
    }
    return m;
  }

  private static final TableInfo ITEMS =
      table(10, "items")
          .col("id", type(MysqlType.LONG, PK, 11, 0))
          .col("name", text(MysqlType.VARCHAR, 0, 20))
          .col("price", type(MysqlType.NEWDECIMAL, 0, 10, 2))
          .pkIsHandle()
          .build();

  private static final TableInfo EVENTS =
      table(11, "events")
          .col("a", type(MysqlType.LONG, 0, 11, 0))
          .col("b", text(MysqlType.VARCHAR, 0, 10))
          .build();

  @Test
  void shouldReportOkForMatchingTablesThenNameEveryDifferingRow() throws Exception {
    String db = MARIADB.database();
    // the expected state goes through the durable log, as the sim writes it
    try (ExpectedStateLog log = ExpectedStateLog.open(dataDir)) {
      log.appendDdl(1, createSchema(1, 2, db));
      log.appendDdl(2, tableJob(2, ActionType.CREATE_TABLE, 2, ITEMS));
      log.appendDdl(3, tableJob(3, ActionType.CREATE_TABLE, 2, EVENTS));
      log.appendDml(
          4,
          List.of(
              new RowChange.Insert(10, SimRow.of(values(1, 1L, 2, "a", 3, new BigDecimal("1.5")))),
              new RowChange.Insert(10, SimRow.of(values(1, 2L, 2, "b", 3, null))),
              new RowChange.Insert(10, SimRow.of(values(1, 3L, 2, "c", 3, new BigDecimal("3")))),
              new RowChange.Insert(11, SimRow.withRowId(values(1, 1L, 2, "x"), 1)),
              new RowChange.Insert(11, SimRow.withRowId(values(1, 1L, 2, "x"), 2))));
    }
    ExpectedState state = ExpectedStateLog.replay(dataDir);
    Connection conn = MARIADB.connection();
    execute(
        conn,
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2))",
        "INSERT INTO items VALUES (3, 'c', 3.00), (1, 'a', 1.50), (2, 'b', NULL)",
        "CREATE TABLE events (a INT, b VARCHAR(10))",
        "INSERT INTO events VALUES (1, 'x'), (1, 'x')");

    VerificationResult ok = verify(state);

    assertThat(ok.ok()).as(printed()).isTrue();
    assertThat(ok.exitCode()).isZero();
    assertThat(printed())
        .contains(db + ".events expected 2 rows / actual 2 rows, checksum ")
        .contains(db + ".items expected 3 rows / actual 3 rows, checksum ")
        .contains("OK: 2 tables verified, 0 differ");

    execute(
        conn,
        "UPDATE items SET name = 'zzz' WHERE id = 2",
        "DELETE FROM items WHERE id = 3",
        "INSERT INTO items VALUES (9, 'extra', NULL)",
        "DELETE FROM events LIMIT 1",
        "CREATE TABLE stray (x INT)",
        "INSERT INTO stray VALUES (1), (2)");

    VerificationResult diff = verify(state);

    assertThat(diff.ok()).isFalse();
    assertThat(diff.exitCode()).isEqualTo(1);
    assertThat(diff.differing())
        .extracting(TableReport::qualifiedName)
        .containsExactly(db + ".events", db + ".items", db + ".stray");
    TableReport items = diff.differing().get(1);
    assertThat(items.sampleDiffs())
        .extracting(RowDiff::describe)
        .containsExactlyInAnyOrder(
            "changed    (id='2'): name 'b' -> 'zzz'",
            "unexpected (id='9'): {id='9', name='extra', price=NULL}",
            "missing    (id='3'): {id='3', name='c', price='3.00'}");
    assertThat(printed())
        .contains(db + ".items expected 3 rows / actual 3 rows")
        .contains(db + ".events expected 2 rows / actual 1 rows")
        .contains("    missing    (row): {a='1', b='x'}")
        .contains(db + ".stray expected no table / actual 2 rows, checksum - / -, DIFF")
        .contains("  table exists downstream but not in the expected state")
        .contains("DIFF: 3 tables verified, 3 differ");
  }

  @Test
  void shouldReportAMissingTableAndADroppedDatabaseThatStillExists() throws Exception {
    String db = MARIADB.database();
    String gone = "it_gone_" + db.substring(db.length() - 8);
    ExpectedState state = new ExpectedState(new PayloadRowGenerator());
    state.apply(new LogEntry.Ddl(1, createSchema(1, 2, db)));
    state.apply(new LogEntry.Ddl(2, tableJob(2, ActionType.CREATE_TABLE, 2, ITEMS)));
    state.apply(new LogEntry.Ddl(3, createSchema(3, 4, gone)));
    state.apply(new LogEntry.Ddl(4, dropSchema(4, 4)));
    Connection conn = MARIADB.connection();
    try {
      execute(conn, "CREATE DATABASE `" + gone + "`", "CREATE TABLE `" + gone + "`.t (x INT)");

      VerificationResult result = verify(state);

      assertThat(result.differing())
          .extracting(TableReport::qualifiedName)
          .containsExactly(db + ".items", gone + ".*");
      assertThat(printed())
          .contains(db + ".items expected 0 rows / actual no table")
          .contains("  table is missing downstream")
          .contains("  database was dropped but exists downstream with tables [t]");
    } finally {
      execute(conn, "DROP DATABASE IF EXISTS `" + gone + "`");
    }
  }

  @Test
  void shouldStreamGeneratedRowsAndMatchThemDownstream() throws Exception {
    String db = MARIADB.database();
    ExpectedState state = new ExpectedState(new PayloadRowGenerator());
    state.apply(new LogEntry.Ddl(1, createSchema(1, 2, db)));
    state.apply(
        new LogEntry.Ddl(
            2, tableJob(2, ActionType.CREATE_TABLE, 2, PayloadRowGenerator.tableInfo(30, "big"))));
    state.apply(new LogEntry.GeneratedRows(3, 30, 99, 1, 500, 700));
    Connection conn = MARIADB.connection();
    execute(conn, PayloadRowGenerator.createTableSql("big"));
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO big VALUES (?, ?)")) {
      for (long id = 1; id <= 500; id++) {
        ps.setLong(1, id);
        ps.setBytes(2, PayloadRowGenerator.payload(99, id, 700));
        ps.addBatch();
      }
      ps.executeBatch();
    }

    assertThat(verify(state).ok()).as(printed()).isTrue();

    execute(conn, "UPDATE big SET payload = CONCAT(payload, 'x') WHERE id = 250");
    VerificationResult diff = verify(state);
    assertThat(diff.ok()).isFalse();
    assertThat(diff.differing().get(0).sampleDiffs())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.kind()).isEqualTo(RowDiff.Kind.CHANGED);
              assertThat(d.key()).isEqualTo("(id='250')");
              assertThat(d.actual().get("payload")).startsWith("len=701 sha256=");
            });
  }

  /** One column of every common type, with the values the sim holds for them. */
  @Test
  void shouldAgreeWithMariaDbOnEveryCommonColumnType() throws Exception {
    String db = MARIADB.database();
    TableInfo all =
        table(40, "all_types")
            .col("id", type(MysqlType.LONGLONG, PK, 20, 0))
            .col("ti", type(MysqlType.TINY, 0, 4, 0))
            .col("si", type(MysqlType.SHORT, 0, 6, 0))
            .col("mi", type(MysqlType.INT24, 0, 9, 0))
            .col("i", type(MysqlType.LONG, 0, 11, 0))
            .col("bi", type(MysqlType.LONGLONG, 0, 20, 0))
            .col("ubi", type(MysqlType.LONGLONG, MysqlFlag.UNSIGNED, 20, 0))
            .col("ui", type(MysqlType.LONG, MysqlFlag.UNSIGNED, 10, 0))
            .col("flag", type(MysqlType.TINY, 0, 1, 0))
            .col("f", type(MysqlType.FLOAT, 0, 12, -1))
            .col("d", type(MysqlType.DOUBLE, 0, 22, -1))
            .col("dec", type(MysqlType.NEWDECIMAL, 0, 20, 6))
            .col("c", text(MysqlType.STRING, 0, 10))
            .col("vc", text(MysqlType.VARCHAR, 0, 50))
            .col("tx", text(MysqlType.BLOB, 0, 65535))
            .col("bn", bytes(MysqlType.STRING, 0, 4))
            .col("vb", bytes(MysqlType.VARCHAR, 0, 10))
            .col("bl", bytes(MysqlType.BLOB, 0, 65535))
            .col("lb", bytes(MysqlType.LONG_BLOB, 0, -1))
            .col("dt", type(MysqlType.DATE, 0, 10, 0))
            .col("dtm", type(MysqlType.DATETIME, 0, 19, 0))
            .col("dtm6", type(MysqlType.DATETIME, 0, 26, 6))
            .col("ts3", type(MysqlType.TIMESTAMP, 0, 23, 3))
            .col("tm", type(MysqlType.DURATION, 0, 10, 0))
            .col("tm3", type(MysqlType.DURATION, 0, 14, 3))
            .col("yr", type(MysqlType.YEAR, MysqlFlag.UNSIGNED, 4, 0))
            .col("js", type(MysqlType.JSON, MysqlFlag.BINARY, -1, 0))
            .col("en", elems(MysqlType.ENUM, 0, "x", "y", "z"))
            .col("st", elems(MysqlType.SET, 0, "a", "b", "c"))
            .col("bt", type(MysqlType.BIT, MysqlFlag.UNSIGNED, 12, 0))
            .pkIsHandle()
            .build();
    String longText = "long é ".repeat(300);
    byte[] longBlob = PayloadRowGenerator.payload(5, 5, 3000);
    List<SimRow> rows = new ArrayList<>();
    rows.add(
        SimRow.of(
            values(
                1,
                1L,
                2,
                -128L,
                3,
                32767L,
                4,
                -8388608L,
                5,
                2147483647L,
                6,
                Long.MIN_VALUE,
                7,
                new BigInteger("18446744073709551615"),
                8,
                4294967295L,
                9,
                1L,
                10,
                3.1415927f,
                11,
                0.1d,
                12,
                new BigDecimal("-12345678901234.5"),
                13,
                "ab",
                14,
                "héllo 😀  ",
                15,
                longText,
                16,
                new byte[] {1, 2},
                17,
                new byte[] {0, (byte) 0xFF},
                18,
                new byte[] {'b', 'l'},
                19,
                longBlob,
                20,
                LocalDate.of(2024, 2, 29),
                21,
                LocalDateTime.of(2019, 1, 2, 3, 4, 5),
                22,
                LocalDateTime.of(2019, 1, 2, 3, 4, 5, 6000),
                23,
                LocalDateTime.of(2038, 1, 19, 3, 14, 7, 123_000_000),
                24,
                Duration.ofHours(-838).minusMinutes(59).minusSeconds(59),
                25,
                Duration.ofHours(-12).minusMinutes(34).minusSeconds(56).minusMillis(789),
                26,
                2024L,
                27,
                "{\"b\": [1, 2.5], \"a\": \"x\"}",
                28,
                "y",
                29,
                "a,c",
                30,
                new MysqlBit(2049, 12))));
    Map<Long, Object> second = new LinkedHashMap<>();
    second.put(1L, 2L);
    for (long col = 2; col <= 30; col++) {
      second.put(col, null);
    }
    second.put(10L, -1.0E-10f);
    second.put(11L, 1.7976931348623157E308d);
    second.put(21L, MysqlTime.ZERO);
    second.put(24L, Duration.ofSeconds(59));
    rows.add(SimRow.of(second));
    // Fractions with a leading zero: MariaDB Connector/J's getString drops it for DATETIME(n<6)
    // and (binary protocol) TIME(n<6), reading .012 as .12.
    Map<Long, Object> third = new LinkedHashMap<>();
    third.put(1L, 3L);
    for (long col = 2; col <= 30; col++) {
      third.put(col, null);
    }
    third.put(23L, LocalDateTime.of(2001, 2, 3, 4, 5, 6, 12_000_000));
    third.put(25L, Duration.ofSeconds(1).plusMillis(34));
    rows.add(SimRow.of(third));

    ExpectedState state = new ExpectedState(new PayloadRowGenerator());
    state.apply(new LogEntry.Ddl(1, createSchema(1, 2, db)));
    state.apply(new LogEntry.Ddl(2, tableJob(2, ActionType.CREATE_TABLE, 2, all)));
    List<RowChange> inserts = new ArrayList<>();
    rows.forEach(r -> inserts.add(new RowChange.Insert(40, r)));
    state.apply(new LogEntry.Dml(3, inserts));

    Connection conn = MARIADB.connection();
    execute(
        conn,
        "SET time_zone = '+00:00'",
        "CREATE TABLE all_types (id BIGINT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT,"
            + " i INT, bi BIGINT, ubi BIGINT UNSIGNED, ui INT UNSIGNED, flag TINYINT(1),"
            + " f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), c CHAR(10), vc VARCHAR(50), tx TEXT,"
            + " bn BINARY(4), vb VARBINARY(10), bl BLOB, lb LONGBLOB, dt DATE, dtm DATETIME,"
            + " dtm6 DATETIME(6), ts3 TIMESTAMP(3) NULL, tm TIME, tm3 TIME(3), yr YEAR, js JSON,"
            + " en ENUM('x','y','z'), st SET('a','b','c'), bt BIT(12))");
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO all_types VALUES (1, -128, 32767, -8388608, 2147483647,"
                + " -9223372036854775808, 18446744073709551615, 4294967295, true, 3.1415927,"
                + " 0.1, -12345678901234.5, 'ab', 'héllo 😀  ', ?, x'0102', x'00FF', 'bl', ?,"
                + " '2024-02-29', '2019-01-02 03:04:05', '2019-01-02 03:04:05.000006',"
                + " '2038-01-19 03:14:07.123', '-838:59:59', '-12:34:56.789', 2024,"
                + " '{\"b\":[1,2.5],\"a\":\"x\"}', 'y', 'c,a', b'100000000001')")) {
      ps.setString(1, longText);
      ps.setBytes(2, longBlob);
      ps.executeUpdate();
    }
    execute(
        conn,
        "INSERT INTO all_types (id, f, d, dtm, tm) VALUES"
            + " (2, -1.0E-10, 1.7976931348623157E308, '0000-00-00 00:00:00', '00:00:59')",
        "INSERT INTO all_types (id, ts3, tm3) VALUES (3, '2001-02-03 04:05:06.012', '00:00:01.034')");

    VerificationResult result = verify(state);

    assertThat(result.ok()).as(printed()).isTrue();
    assertThat(printed()).contains(db + ".all_types expected 3 rows / actual 3 rows");
  }

  /** Connector/J reads .084 in a DATETIME(3) as .84000; the server's text is what counts. */
  @Test
  void shouldAgreeOnFractionsWithLeadingZeros() throws Exception {
    String db = MARIADB.database();
    TableInfo times =
        table(50, "times")
            .col("id", type(MysqlType.LONGLONG, PK, 20, 0))
            .col("dtm3", type(MysqlType.DATETIME, 0, 23, 3))
            .col("ts2", type(MysqlType.TIMESTAMP, 0, 22, 2))
            .col("tm2", type(MysqlType.DURATION, 0, 13, 2))
            .pkIsHandle()
            .build();
    ExpectedState state = new ExpectedState(new PayloadRowGenerator());
    state.apply(new LogEntry.Ddl(1, createSchema(1, 2, db)));
    state.apply(new LogEntry.Ddl(2, tableJob(2, ActionType.CREATE_TABLE, 2, times)));
    state.apply(
        new LogEntry.Dml(
            3,
            List.of(
                new RowChange.Insert(
                    50,
                    SimRow.of(
                        values(
                            1,
                            1L,
                            2,
                            LocalDateTime.of(2014, 9, 23, 6, 15, 56, 84_000_000),
                            3,
                            LocalDateTime.of(2001, 2, 3, 4, 5, 6, 70_000_000),
                            4,
                            Duration.ofHours(187).plusMinutes(51).plusSeconds(22).plusMillis(90)))),
                new RowChange.Insert(
                    50,
                    SimRow.of(
                        values(
                            1,
                            2L,
                            2,
                            LocalDateTime.of(2014, 9, 23, 6, 15, 56, 5_000_000),
                            3,
                            LocalDateTime.of(2001, 2, 3, 4, 5, 6, 0),
                            4,
                            Duration.ofHours(-525)
                                .minusMinutes(12)
                                .minusSeconds(41)
                                .minusMillis(40)))))));
    Connection conn = MARIADB.connection();
    execute(
        conn,
        "SET time_zone = '+00:00'",
        "CREATE TABLE times (id BIGINT PRIMARY KEY, dtm3 DATETIME(3), ts2 TIMESTAMP(2) NULL,"
            + " tm2 TIME(2))",
        "INSERT INTO times VALUES (1, '2014-09-23 06:15:56.084', '2001-02-03 04:05:06.07',"
            + " '187:51:22.09'), (2, '2014-09-23 06:15:56.005', '2001-02-03 04:05:06',"
            + " '-525:12:41.04')");

    VerificationResult result = verify(state);

    assertThat(result.ok()).as(printed()).isTrue();

    execute(conn, "UPDATE times SET dtm3 = '2014-09-23 06:15:56.840' WHERE id = 1");

    VerificationResult diff = verify(state);

    assertThat(diff.ok()).isFalse();
    assertThat(printed()).contains("dtm3 '2014-09-23 06:15:56.084' -> '2014-09-23 06:15:56.840'");
  }
}
