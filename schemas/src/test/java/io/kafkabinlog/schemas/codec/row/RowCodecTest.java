package io.kafkabinlog.schemas.codec.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.codec.CodecException;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole-row images of sections 2.7 and 8.7 of the facts. */
class RowCodecTest {

  static byte[] b(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
  }

  static String h(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  static final LocalDateTime CREATED = LocalDateTime.of(2019, 1, 2, 3, 4, 5);

  /**
   * t(id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2), created DATETIME, flag TINYINT).
   */
  static TableInfo tableT() {
    return TableInfo.of(
        100,
        "t",
        List.of(
            ColumnInfo.of(
                1,
                "id",
                0,
                FieldType.of(
                    MysqlType.LONG,
                    MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE,
                    11,
                    0,
                    "binary")),
            ColumnInfo.of(2, "name", 1, FieldType.of(MysqlType.VARCHAR, 0, 20, 0, "utf8mb4")),
            ColumnInfo.of(3, "price", 2, FieldType.of(MysqlType.NEWDECIMAL, 0, 10, 2, "binary")),
            ColumnInfo.of(4, "created", 3, FieldType.of(MysqlType.DATETIME, 0, 19, 0, "binary")),
            ColumnInfo.of(5, "flag", 4, FieldType.of(MysqlType.TINY, 0, 4, 0, "binary"))),
        List.of(),
        true,
        false);
  }

  static final String INSERT_T =
      "08 0E | 08 04 02 06 61 62 63 | 08 06 06 0A 02 80 00 00 0C 22"
          + " | 08 08 09 80 80 80 A8 90 86 81 D1 19";
  static final String DELETE_T =
      "08 02 08 0E | 08 04 02 06 616263 | 08 06 06 0A 02 8000000C22"
          + " | 08 08 09 808080A8908681D119 | 08 0A 00";
  static final String NEW_T =
      "0802080E 0804 0206 78797A 0806 060A028000000C22 0808 09808080A8908681D119 080A 00";

  static Map<Long, Object> rowT(String name) {
    Map<Long, Object> m = new LinkedHashMap<>();
    m.put(1L, 7L);
    m.put(2L, name);
    m.put(3L, new BigDecimal("12.34"));
    m.put(4L, CREATED);
    m.put(5L, null);
    return m;
  }

  @Test
  void insertWithIntPkHandle() {
    RowCodec codec = new RowCodec(tableT());
    RowImage img = codec.decodeInserted(b(INSERT_T));
    assertThat(img.handle()).isEqualTo(new Handle.IntHandle(7));
    assertThat(img.valuesByColumnId())
        .containsExactly(
            Map.entry(2L, "abc"),
            Map.entry(3L, new BigDecimal("12.34")),
            Map.entry(4L, CREATED),
            Map.entry(1L, 7L));
    assertThat(img.has(5)).isFalse();
    Map<Long, Object> values = new LinkedHashMap<>(rowT("abc"));
    values.remove(1L);
    values.remove(5L);
    assertThat(h(codec.encodeInserted(new Handle.IntHandle(7), values)))
        .isEqualTo(INSERT_T.replaceAll("[ |]", ""));
  }

  @Test
  void deleteAndUpdate() {
    RowCodec codec = new RowCodec(tableT());
    RowImage del = codec.decodeDeleted(b(DELETE_T));
    assertThat(del.valuesByColumnId()).isEqualTo(rowT("abc"));
    assertThat(del.handle()).isNull();
    assertThat(h(codec.encodeDeleted(rowT("abc")))).isEqualTo(DELETE_T.replaceAll("[ |]", ""));

    UpdatedRow up = codec.decodeUpdated(b(DELETE_T + NEW_T));
    assertThat(up.oldRow().valuesByColumnId()).isEqualTo(rowT("abc"));
    assertThat(up.newRow().valuesByColumnId()).isEqualTo(rowT("xyz"));
    assertThat(h(codec.encodeUpdated(rowT("abc"), rowT("xyz"))))
        .isEqualTo((DELETE_T + NEW_T).replaceAll("[ |]", ""));
  }

  static TableInfo tableT2() {
    return TableInfo.of(
        101,
        "t2",
        List.of(
            ColumnInfo.of(1, "a", 0, FieldType.of(MysqlType.LONG, 0, 11, 0, "binary")),
            ColumnInfo.of(2, "b", 1, FieldType.of(MysqlType.VARCHAR, 0, 10, 0, "utf8mb4"))),
        List.of(),
        false,
        false);
  }

  @Test
  void noPkTableUsesTidbRowid() {
    RowCodec codec = new RowCodec(tableT2());
    String insert = "08 06 | 08 02 08 14 | 08 04 02 02 78";
    RowImage ins = codec.decodeInserted(b(insert));
    assertThat(ins.handle()).isEqualTo(new Handle.IntHandle(3));
    assertThat(ins.valuesByColumnId())
        .containsExactly(Map.entry(1L, 10L), Map.entry(2L, "x"), Map.entry(-1L, 3L));
    Map<Long, Object> row = new LinkedHashMap<>();
    row.put(1L, 10L);
    row.put(2L, "x");
    assertThat(h(codec.encodeInserted(new Handle.IntHandle(3), row)))
        .isEqualTo(insert.replaceAll("[ |]", ""));

    String delete = "08 02 08 14 08 04 02 02 78 | 08 01 08 06";
    RowImage del = codec.decodeDeleted(b(delete));
    row.put(-1L, 3L);
    assertThat(del.valuesByColumnId()).isEqualTo(row);
    assertThat(h(codec.encodeDeleted(row))).isEqualTo(delete.replaceAll("[ |]", ""));

    Map<Long, Object> row2 = new LinkedHashMap<>(row);
    row2.put(2L, "y");
    byte[] upd = codec.encodeUpdated(row, row2);
    UpdatedRow up = codec.decodeUpdated(upd);
    assertThat(up.oldRow().valuesByColumnId()).isEqualTo(row);
    assertThat(up.newRow().valuesByColumnId()).isEqualTo(row2);
  }

  @Test
  void unsignedBigintPkHandle() {
    TableInfo t =
        TableInfo.of(
            102,
            "u",
            List.of(
                ColumnInfo.of(
                    1,
                    "id",
                    0,
                    FieldType.of(
                        MysqlType.LONGLONG,
                        MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.UNSIGNED,
                        20,
                        0,
                        "binary"))),
            List.of(),
            true,
            false);
    RowCodec codec = new RowCodec(t);
    RowImage img = codec.decodeInserted(b("08 01 00"));
    assertThat(img.handle()).isEqualTo(new Handle.IntHandle(-1));
    assertThat(img.get(1)).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(h(codec.encodeInserted(new Handle.IntHandle(-1), Map.of()))).isEqualTo("080100");
  }

  static TableInfo clustered() {
    return TableInfo.of(
        103,
        "c",
        List.of(
            ColumnInfo.of(
                1,
                "k",
                0,
                new FieldType(
                    MysqlType.VARCHAR,
                    MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY,
                    10,
                    0,
                    "utf8mb4",
                    "utf8mb4_bin",
                    null,
                    null,
                    null)),
            ColumnInfo.of(
                2,
                "t",
                1,
                FieldType.of(
                    MysqlType.DURATION, MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY, 10, 0, "binary")),
            ColumnInfo.of(3, "v", 2, FieldType.of(MysqlType.LONG, 0, 11, 0, "binary"))),
        List.of(
            new IndexInfo(
                1,
                null,
                null,
                List.of(new IndexColumn(null, 0, -1), new IndexColumn(null, 1, -1)),
                5,
                "",
                1,
                true,
                true,
                false,
                false)),
        false,
        true);
  }

  @Test
  void commonHandle() {
    RowCodec codec = new RowCodec(clustered());
    Duration d = Duration.ofHours(1).plusMinutes(2).plusSeconds(3);
    // 'abc' (8.7), TIME 01:02:03 in durationFlag form (8.5), then v = 5 in the row.
    String insert = "02 06 61 62 63 | 07 80 00 03 62 D4 17 AE 00 | 08 06 08 0A";
    RowImage img = codec.decodeInserted(b(insert));
    assertThat(img.handle()).isEqualTo(new Handle.CommonHandle(List.of("abc", d)));
    assertThat(img.valuesByColumnId())
        .containsExactly(Map.entry(3L, 5L), Map.entry(1L, "abc"), Map.entry(2L, d));
    Map<Long, Object> row = new LinkedHashMap<>();
    row.put(3L, 5L);
    assertThat(h(codec.encodeInserted(new Handle.CommonHandle(List.of("abc", d)), row)))
        .isEqualTo(insert.replaceAll("[ |]", ""));
  }

  @Test
  void rowValuePreferredOverHandleValue() {
    RowCodec codec = new RowCodec(clustered());
    Map<Long, Object> row = new LinkedHashMap<>();
    row.put(1L, "abc ");
    row.put(3L, 5L);
    byte[] bytes =
        codec.encodeInserted(new Handle.CommonHandle(List.of("abc", Duration.ZERO)), row);
    RowImage img = codec.decodeInserted(bytes);
    assertThat(img.get(1)).isEqualTo("abc ");
    assertThat(img.get(2)).isEqualTo(Duration.ZERO);
  }

  @Test
  void emptyImagesAndUnknownColumns() {
    RowCodec codec = new RowCodec(tableT2());
    assertThat(codec.decodeDeleted(b("00")).valuesByColumnId()).isEmpty();
    assertThat(codec.decodeInserted(b("08 06 00")).valuesByColumnId())
        .containsExactly(Map.entry(-1L, 3L));
    assertThat(h(codec.encodeDeleted(Map.of()))).isEqualTo("00");
    RowImage img = codec.decodeDeleted(b("08 02 08 14 | 08 0E 02 02 78 | 08 01 08 06"));
    assertThat(img.unknownColumnIds()).containsExactly(7L);
    assertThat(img.valuesByColumnId()).containsOnlyKeys(1L, -1L);
  }

  @Test
  void malformedRows() {
    RowCodec codec = new RowCodec(tableT2());
    assertThatThrownBy(() -> codec.decodeDeleted(b("08 02")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("without a value");
    assertThatThrownBy(() -> codec.decodeDeleted(b("08 02 08 14 08 02 08 16")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("repeated");
    assertThatThrownBy(() -> codec.decodeDeleted(b("02 02 78 08 02")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("column id");
    assertThatThrownBy(() -> codec.decodeDeleted(b("08 04 08 02")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("offset 2");
  }
}
