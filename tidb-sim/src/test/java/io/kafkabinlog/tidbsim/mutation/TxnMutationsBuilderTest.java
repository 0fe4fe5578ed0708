package io.kafkabinlog.tidbsim.mutation;

import static io.kafkabinlog.tidbsim.TableFixtures.PK;
import static io.kafkabinlog.tidbsim.TableFixtures.UNSIGNED_PK;
import static io.kafkabinlog.tidbsim.TableFixtures.bytes;
import static io.kafkabinlog.tidbsim.TableFixtures.table;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.codec.row.RowImage;
import io.kafkabinlog.schemas.codec.row.UpdatedRow;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TxnMutationsBuilderTest {

  private static final LocalDateTime CREATED = LocalDateTime.of(2019, 1, 2, 3, 4, 5);

  /** Section 2.7: t(id INT PK, name VARCHAR(20), price DECIMAL(10,2), created DATETIME, flag). */
  private static TableInfo tableT() {
    return table(100, "t")
        .col("id", type(MysqlType.LONG, PK, 11, 0))
        .col("name", text(MysqlType.VARCHAR, 0, 20))
        .col("price", type(MysqlType.NEWDECIMAL, 0, 10, 2))
        .col("created", type(MysqlType.DATETIME, 0, 19, 0))
        .col("flag", type(MysqlType.TINY, 0, 4, 0))
        .pkIsHandle()
        .build();
  }

  private static SimRow rowT(final String name) {
    return SimRow.of(values(1L, 7L, 2L, name, 3L, new BigDecimal("12.34"), 4L, CREATED, 5L, null));
  }

  private static Map<Long, Object> values(final Object... kv) {
    Map<Long, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((Long) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static byte[] hex(final String s) {
    return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
  }

  private static String hex(final byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  private static TableMutation only(final TxnMutationsBuilder b) {
    PrewriteValue v = b.build();
    assertThat(v.getMutationsCount()).isEqualTo(1);
    return v.getMutations(0);
  }

  @Test
  void shouldWriteTheWorkedInsertExampleByteForByte() {
    TxnMutationsBuilder b = new TxnMutationsBuilder(42);
    b.insert(tableT(), rowT("abc"));

    PrewriteValue v = b.build();
    assertThat(v.getSchemaVersion()).isEqualTo(42);
    TableMutation m = v.getMutations(0);
    assertThat(m.getTableId()).isEqualTo(100);
    assertThat(m.getSequenceList()).containsExactly(MutationType.Insert);
    assertThat(hex(m.getInsertedRows(0).toByteArray()))
        .isEqualTo(
            hex(
                hex(
                    "08 0E | 08 04 02 06 61 62 63 | 08 06 06 0A 02 80 00 00 0C 22"
                        + " | 08 08 09 80 80 80 A8 90 86 81 D1 19")));
    // 't' + comparable(100) + "_r" + comparable(7)
    assertThat(hex(b.primaryKey().toByteArray()))
        .isEqualTo(hex(hex("74 8000000000000064 5F72 8000000000000007")));
  }

  @Test
  void shouldWriteTheWorkedDeleteAndUpdateExamplesByteForByte() {
    String deleteT =
        "08 02 08 0E | 08 04 02 06 616263 | 08 06 06 0A 02 8000000C22"
            + " | 08 08 09 808080A8908681D119 | 08 0A 00";
    String newT =
        "0802080E 0804 0206 78797A 0806 060A028000000C22 0808 09808080A8908681D119 080A 00";

    TxnMutationsBuilder del = new TxnMutationsBuilder(1);
    del.delete(tableT(), rowT("abc"));
    TableMutation dm = only(del);
    assertThat(dm.getSequenceList()).containsExactly(MutationType.DeleteRow);
    assertThat(hex(dm.getDeletedRows(0).toByteArray())).isEqualTo(hex(hex(deleteT)));

    TxnMutationsBuilder upd = new TxnMutationsBuilder(1);
    upd.update(tableT(), rowT("abc"), rowT("xyz"));
    TableMutation um = only(upd);
    assertThat(um.getSequenceList()).containsExactly(MutationType.Update);
    assertThat(hex(um.getUpdatedRows(0).toByteArray())).isEqualTo(hex(hex(deleteT + newT)));
  }

  @Test
  void shouldWriteTheWorkedNoPrimaryKeyExamples() {
    TableInfo t2 =
        table(101, "t2")
            .col("a", type(MysqlType.LONG, 0, 11, 0))
            .col("b", text(MysqlType.VARCHAR, 0, 20))
            .build();
    SimRow row = SimRow.withRowId(values(1L, 10L, 2L, "x"), 3);

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.insert(t2, row);
    b.delete(t2, row);
    TableMutation m = only(b);

    assertThat(hex(m.getInsertedRows(0).toByteArray()))
        .isEqualTo(hex(hex("08 06 | 08 02 08 14 | 08 04 02 02 78")));
    assertThat(hex(m.getDeletedRows(0).toByteArray()))
        .isEqualTo(hex(hex("08 02 08 14 08 04 02 02 78 | 08 01 08 06")));
    assertThat(m.getSequenceList()).containsExactly(MutationType.Insert, MutationType.DeleteRow);
    assertThat(hex(b.primaryKey().toByteArray()))
        .isEqualTo(hex(hex("74 8000000000000065 5F72 8000000000000003")));
  }

  @Test
  void shouldRoundTripAnIntHandleTableWithNullsAndDefaults() {
    TableInfo t =
        table(200, "defaults")
            .col("id", type(MysqlType.LONGLONG, PK, 20, 0))
            .col("no_default", type(MysqlType.LONG, 0, 11, 0))
            .col("with_default", type(MysqlType.LONG, 0, 11, 0), "5")
            .col("s", text(MysqlType.VARCHAR, MysqlFlag.NOT_NULL, 10))
            .pkIsHandle()
            .build();
    SimRow row = SimRow.of(values(1L, -9L, 2L, null, 3L, null, 4L, "é"));

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.insert(t, row);
    RowImage inserted = new RowCodec(t).decodeInserted(only(b).getInsertedRows(0).toByteArray());

    assertThat(inserted.handle()).isEqualTo(new Handle.IntHandle(-9));
    assertThat(inserted.get(1)).isEqualTo(-9L);
    // a NULL without default is left out, a NULL with a default is written as NULL
    assertThat(inserted.has(2)).isFalse();
    assertThat(inserted.has(3)).isTrue();
    assertThat(inserted.get(3)).isNull();
    assertThat(inserted.get(4)).isEqualTo("é");
  }

  @Test
  void shouldUseTheUint64BitsOfAnUnsignedBigintPrimaryKeyAsHandle() {
    TableInfo t =
        table(201, "u")
            .col("id", type(MysqlType.LONGLONG, UNSIGNED_PK, 20, 0))
            .col("v", type(MysqlType.LONG, 0, 11, 0))
            .pkIsHandle()
            .build();
    BigInteger max = new BigInteger("18446744073709551615");
    SimRow row = SimRow.of(values(1L, max, 2L, 1L));

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.insert(t, row);
    b.update(t, row, row.with(2L, 2L));
    TableMutation m = only(b);
    RowCodec codec = new RowCodec(t);

    assertThat(hex(m.getInsertedRows(0).toByteArray())).isEqualTo("0801" + "08040802");
    assertThat(codec.decodeInserted(m.getInsertedRows(0).toByteArray()).get(1)).isEqualTo(max);
    UpdatedRow u = codec.decodeUpdated(m.getUpdatedRows(0).toByteArray());
    assertThat(u.oldRow().get(1)).isEqualTo(max);
    assertThat(u.newRow().get(2)).isEqualTo(2L);
    assertThat(hex(b.primaryKey().toByteArray())).endsWith("5F727FFFFFFFFFFFFFFF");
  }

  /**
   * (a VARCHAR(20) utf8mb4_bin, b DATETIME(3), c INT, v VARCHAR) PRIMARY KEY (a, b, c) CLUSTERED.
   */
  private static TableInfo clustered() {
    return table(300, "clustered")
        .col("a", text(MysqlType.VARCHAR, PK, 20))
        .col("b", type(MysqlType.DATETIME, PK, 23, 3))
        .col("c", type(MysqlType.LONG, PK, 11, 0))
        .col("v", text(MysqlType.VARCHAR, 0, 20))
        .clusteredPk("a", "b", "c")
        .build();
  }

  @Test
  void shouldRoundTripAClusteredCompositeKeyWithVarcharAndDatetime() {
    TableInfo t = clustered();
    LocalDateTime when = LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_000_000);
    SimRow row = SimRow.of(values(1L, "key ", 2L, when, 3L, -1L, 4L, null));

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.insert(t, row);
    byte[] inserted = only(b).getInsertedRows(0).toByteArray();
    RowImage image = new RowCodec(t).decodeInserted(inserted);

    // handle datums: 'key' (trailing space trimmed: the _bin sort key), packed datetime, -1
    assertThat(image.handle()).isEqualTo(new Handle.CommonHandle(List.of("key", when, -1L)));
    // the VARCHAR needs restored data, so the row keeps its exact value; b and c are in the key
    // only
    assertThat(hex(inserted))
        .startsWith("0206" + "6B6579" + "09")
        .contains("08020208" + "6B657920");
    assertThat(image.valuesByColumnId()).containsOnlyKeys(1L, 2L, 3L);
    assertThat(image.get(1)).isEqualTo("key ");
    assertThat(image.get(2)).isEqualTo(when);
    assertThat(image.get(3)).isEqualTo(-1L);
    // the record key is the memcomparable key: 01 'key' pad FA | 04 packed | 03 comparable -1
    assertThat(hex(b.primaryKey().toByteArray()))
        .isEqualTo(
            "74800000000000012C5F72"
                + "01"
                + "6B6579"
                + "0000000000"
                + "FA"
                + "04"
                + String.format("%016X", MysqlTime.of(when).toPacked())
                + "037FFFFFFFFFFFFFFF");
  }

  @Test
  void shouldLeaveABinaryClusteredKeyColumnOutOfTheRow() {
    TableInfo t =
        table(301, "bin")
            .col("k", bytes(MysqlType.VARCHAR, PK, 8))
            .col("v", type(MysqlType.LONG, 0, 11, 0))
            .clusteredPk("k")
            .build();
    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.insert(t, SimRow.of(values(1L, new byte[] {'a', 'b', 'c'}, 2L, 1L)));

    assertThat(hex(only(b).getInsertedRows(0).toByteArray())).isEqualTo("0206616263" + "08040802");
  }

  @Test
  void shouldTurnAnUpdateOfTheClusteredKeyIntoDeleteAndInsert() {
    TableInfo t = clustered();
    LocalDateTime when = LocalDateTime.of(2020, 1, 1, 0, 0);
    SimRow before = SimRow.of(values(1L, "a", 2L, when, 3L, 1L, 4L, "v1"));
    SimRow sameKey = before.with(4L, "v2");
    SimRow moved = sameKey.with(2L, when.plusSeconds(1));

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.update(t, before, sameKey);
    b.update(t, sameKey, moved);
    TableMutation m = only(b);
    RowCodec codec = new RowCodec(t);

    assertThat(m.getSequenceList())
        .containsExactly(MutationType.Update, MutationType.DeleteRow, MutationType.Insert);
    UpdatedRow u = codec.decodeUpdated(m.getUpdatedRows(0).toByteArray());
    assertThat(u.oldRow().valuesByColumnId()).containsOnlyKeys(1L, 2L, 3L, 4L);
    assertThat(u.newRow().get(4)).isEqualTo("v2");
    assertThat(codec.decodeDeleted(m.getDeletedRows(0).toByteArray()).get(2)).isEqualTo(when);
    assertThat(codec.decodeInserted(m.getInsertedRows(0).toByteArray()).get(2))
        .isEqualTo(when.plusSeconds(1));
    assertThat(b.rowChanges())
        .containsExactly(
            new RowChange.Update(300, before, sameKey), new RowChange.Update(300, sameKey, moved));
  }

  @Test
  void shouldTurnAnUpdateOfTheIntHandleIntoDeleteAndInsert() {
    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.update(tableT(), rowT("abc"), rowT("abc").with(1L, 8L));
    TableMutation m = only(b);

    assertThat(m.getSequenceList()).containsExactly(MutationType.DeleteRow, MutationType.Insert);
    assertThat(hex(m.getInsertedRows(0).toByteArray())).startsWith("0810");
    // the primary key is the first touched row: the old one
    assertThat(hex(b.primaryKey().toByteArray())).endsWith("8000000000000007");
  }

  @Test
  void shouldCarryTheRowIdInBothUpdateImagesOfATableWithOnlyAUniqueKey() {
    TableInfo t =
        table(400, "uk")
            .col("u", type(MysqlType.LONG, MysqlFlag.NOT_NULL | MysqlFlag.UNIQUE_KEY, 11, 0))
            .col("v", text(MysqlType.VARCHAR, 0, 10))
            .uniqueKey("u_idx", "u")
            .build();
    SimRow before = SimRow.withRowId(values(1L, 1L, 2L, null), 77);
    SimRow after = SimRow.of(values(1L, 2L, 2L, "x"));

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.update(t, before, after);
    TableMutation m = only(b);
    UpdatedRow u = new RowCodec(t).decodeUpdated(m.getUpdatedRows(0).toByteArray());

    assertThat(m.getSequenceList()).containsExactly(MutationType.Update);
    assertThat(u.oldRow().get(TableInfo.EXTRA_HANDLE_ID)).isEqualTo(77L);
    assertThat(u.newRow().get(TableInfo.EXTRA_HANDLE_ID)).isEqualTo(77L);
    assertThat(u.oldRow().has(2)).isTrue();
    assertThat(u.oldRow().get(2)).isNull();
    assertThat(b.rowChanges().get(0))
        .isEqualTo(new RowChange.Update(400, before, after.withRowId(77)));
    assertThatThrownBy(() -> b.update(t, before, after.withRowId(78)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("_tidb_rowid");
  }

  @Test
  void shouldLeaveVirtualGeneratedColumnsOutOfInsertsAndUpdatesButNotDeletes() {
    TableInfo t =
        table(500, "gen")
            .col("id", type(MysqlType.LONG, PK, 11, 0))
            .col("a", type(MysqlType.LONG, 0, 11, 0))
            .virtualCol("twice", type(MysqlType.LONG, 0, 11, 0), "`a` * 2")
            .pkIsHandle()
            .build();
    SimRow row = SimRow.of(values(1L, 1L, 2L, 3L, 3L, 6L));

    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    b.insert(t, row);
    b.update(t, row, row.with(2L, 4L).with(3L, 8L));
    b.delete(t, row.with(2L, 4L).with(3L, 8L));
    TableMutation m = only(b);
    RowCodec codec = new RowCodec(t);

    assertThat(codec.decodeInserted(m.getInsertedRows(0).toByteArray()).has(3)).isFalse();
    assertThat(codec.decodeUpdated(m.getUpdatedRows(0).toByteArray()).newRow().has(3)).isFalse();
    assertThat(codec.decodeDeleted(m.getDeletedRows(0).toByteArray()).get(3)).isEqualTo(8L);
  }

  @Test
  void shouldKeepOneMutationPerTableInFirstTouchOrder() {
    TableInfo t2 =
        table(101, "t2")
            .col("a", type(MysqlType.LONG, 0, 11, 0))
            .col("b", text(MysqlType.VARCHAR, 0, 20))
            .build();
    TxnMutationsBuilder b = new TxnMutationsBuilder(9);
    b.insert(t2, SimRow.withRowId(values(1L, 1L, 2L, "a"), 1));
    b.insert(tableT(), rowT("abc"));
    b.delete(t2, SimRow.withRowId(values(1L, 1L, 2L, "a"), 1));
    b.update(tableT(), rowT("abc"), rowT("abd"));

    PrewriteValue v = b.build();
    assertThat(v.getMutationsList())
        .extracting(TableMutation::getTableId)
        .containsExactly(101L, 100L);
    assertThat(v.getMutations(0).getSequenceList())
        .containsExactly(MutationType.Insert, MutationType.DeleteRow);
    assertThat(v.getMutations(1).getSequenceList())
        .containsExactly(MutationType.Insert, MutationType.Update);
    assertThat(b.rowChanges()).hasSize(4);
    assertThat(hex(b.primaryKey().toByteArray()))
        .isEqualTo(hex(hex("74 8000000000000065 5F72 8000000000000001")));
  }

  @Test
  void shouldRefuseAnEmptyPrimaryKeyAndARowWithoutItsRowId() {
    TxnMutationsBuilder b = new TxnMutationsBuilder(1);
    assertThat(b.isEmpty()).isTrue();
    assertThatThrownBy(b::primaryKey).isInstanceOf(IllegalStateException.class);
    TableInfo t2 = table(101, "t2").col("a", type(MysqlType.LONG, 0, 11, 0)).build();
    assertThatThrownBy(() -> b.insert(t2, SimRow.of(values(1L, 1L))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("_tidb_rowid");
  }
}
