package io.kafkabinlog.schemas.tableinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableInfoJsonTest {

  /** Section 3.5 of the facts, plus unknown fields at every level. */
  static final String MINIMAL =
      """
      {"id":112,"name":{"O":"t","L":"t"},"charset":"utf8mb4","collate":"utf8mb4_bin",
       "cols":[{"id":1,"name":{"O":"id","L":"id"},"offset":0,"origin_default":null,"default":null,
                "type":{"Tp":3,"Flag":4099,"Flen":11,"Decimal":0,"Charset":"binary","Collate":"binary","Elems":null,"FutureKey":1},
                "state":5,"generated_expr_string":"","generated_stored":false,"version":2,"new_col_field":[1,2]},
               {"id":2,"name":{"O":"name","L":"name"},"offset":1,
                "type":{"Tp":15,"Flag":0,"Flen":20,"Decimal":0,"Charset":"utf8mb4","Collate":"utf8mb4_bin","Elems":null},
                "state":5}],
       "index_info":[],"pk_is_handle":true,"is_common_handle":false,"max_col_id":2,"update_timestamp":0,
       "ttl_info":null,"placement":{"x":1},"ShardRowIDBits":0,"tiflash_replica":{"Count":1}}
      """;

  @Test
  void parsesMinimalTableInfo() {
    TableInfo t = TableInfoJson.parseTableInfo(MINIMAL);
    assertThat(t.id()).isEqualTo(112);
    assertThat(t.name()).isEqualTo(new CIStr("t", "t"));
    assertThat(t.charset()).isEqualTo("utf8mb4");
    assertThat(t.pkIsHandle()).isTrue();
    assertThat(t.isCommonHandle()).isFalse();
    assertThat(t.maxColId()).isEqualTo(2);
    assertThat(t.cols()).hasSize(2);
    ColumnInfo id = t.cols().get(0);
    assertThat(id.name().o()).isEqualTo("id");
    assertThat(id.type().tp()).isEqualTo(MysqlType.LONG);
    assertThat(id.type().flag())
        .isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE);
    assertThat(id.type().isPrimaryKey()).isTrue();
    assertThat(id.type().isNotNull()).isTrue();
    assertThat(id.type().flen()).isEqualTo(11);
    assertThat(id.type().charset()).isEqualTo("binary");
    assertThat(id.type().elems()).isNull();
    assertThat(id.isPublic()).isTrue();
    assertThat(id.isGenerated()).isFalse();
    assertThat(id.version()).isEqualTo(2);
    assertThat(t.handleColumn()).contains(id);
    assertThat(t.cols().get(1).type().tp()).isEqualTo(MysqlType.VARCHAR);
    assertThat(t.cols().get(1).type().collate()).isEqualTo("utf8mb4_bin");
    assertThat(t.hasHiddenRowId()).isFalse();

    // Writing and re-reading keeps the model.
    assertThat(TableInfoJson.parseTableInfo(TableInfoJson.toJson(t))).isEqualTo(t);
  }

  static final String JOB =
      """
      {"id":58,"type":5,"schema_id":2,"table_id":112,"schema_name":"test","table_name":"t",
       "state":6,"warning":null,"err":null,"err_count":0,"row_count":0,"raw_args":["x",1],
       "schema_state":5,"snapshot_ver":0,"real_start_ts":449123,"start_ts":449120,
       "dependency_id":0,"query":"ALTER TABLE t ADD COLUMN c ENUM('a','b') DEFAULT 'b'",
       "binlog":{"SchemaVersion":77,"DBInfo":null,
         "TableInfo":{"id":112,"name":{"O":"t","L":"t"},"charset":"utf8mb4","collate":"utf8mb4_bin",
           "cols":[{"id":3,"name":{"O":"c","L":"c"},"offset":0,"origin_default":"b","default":"b",
             "type":{"Tp":247,"Flag":0,"Flen":1,"Decimal":0,"Charset":"utf8mb4","Collate":"utf8mb4_bin",
                     "Elems":["a","b"],"ElemsIsBinaryLit":null,"Array":false},
             "state":5,"change_state_info":null}],
           "index_info":[{"id":1,"idx_name":{"O":"PRIMARY","L":"primary"},"tbl_name":{"O":"","L":""},
             "idx_cols":[{"name":{"O":"c","L":"c"},"offset":0,"length":-1}],"state":5,
             "backfill_state":0,"comment":"","index_type":1,"is_unique":true,"is_primary":true,
             "is_invisible":false,"is_global":false,"mv_index":false}],
           "pk_is_handle":false,"is_common_handle":true,"common_handle_version":1,
           "partition":{"type":1,"expr":"`c`","columns":null,"enable":true,
             "definitions":[{"id":113,"name":{"O":"p0","L":"p0"},"less_than":["10"]}]}},
         "FinishedTS":449200,"MultipleTableInfos":null},
       "version":1,"reorg_meta":null,"multi_schema_info":null,"priority":0,"seq_num":3,
       "charset":"","collate":"","involving_schema_info":null,"trace_info":{"connection_id":1},
       "bdr_role":"","cdc_write_source":0,"local_mode":false,"sql_mode":1436549152}
      """;

  @Test
  void parsesDdlJob() {
    Job job = TableInfoJson.parseJob(JOB);
    assertThat(job.id()).isEqualTo(58);
    assertThat(job.type()).isEqualTo(ActionType.ADD_COLUMN);
    assertThat(job.schemaId()).isEqualTo(2);
    assertThat(job.tableId()).isEqualTo(112);
    assertThat(job.schemaName()).isEqualTo("test");
    assertThat(job.state()).isEqualTo(JobState.SYNCED);
    assertThat(job.isDoneOrSynced()).isTrue();
    assertThat(job.schemaState()).isEqualTo(SchemaState.PUBLIC);
    assertThat(job.query()).startsWith("ALTER TABLE t ADD COLUMN");
    assertThat(job.sqlMode()).isEqualTo(1436549152L);
    HistoryInfo h = job.binlog();
    assertThat(h.schemaVersion()).isEqualTo(77);
    assertThat(h.finishedTs()).isEqualTo(449200);
    assertThat(h.dbInfo()).isNull();
    TableInfo t = h.tableInfo();
    assertThat(t.isCommonHandle()).isTrue();
    assertThat(t.commonHandleVersion()).isEqualTo(1);
    ColumnInfo c = t.cols().get(0);
    assertThat(c.type().tp()).isEqualTo(MysqlType.ENUM);
    assertThat(c.type().elems()).containsExactly("a", "b");
    assertThat(c.originDefault().asText()).isEqualTo("b");
    IndexInfo pk = t.primaryIndex().orElseThrow();
    assertThat(pk.idxName().l()).isEqualTo("primary");
    assertThat(pk.isUnique()).isTrue();
    assertThat(pk.idxCols()).containsExactly(new IndexColumn(new CIStr("c", "c"), 0, -1));
    assertThat(t.commonHandleColumns()).containsExactly(c);
    assertThat(t.partition().definitions()).hasSize(1);
    assertThat(t.partition().definitions().get(0).id()).isEqualTo(113);
    assertThat(t.partition().definitions().get(0).lessThan().get(0).asText()).isEqualTo("10");
  }

  @Test
  void parsesDbInfo() {
    DBInfo db =
        TableInfoJson.parseDbInfo(
            "{\"id\":2,\"db_name\":{\"O\":\"Test\",\"L\":\"test\"},\"charset\":\"utf8mb4\","
                + "\"collate\":\"utf8mb4_bin\",\"state\":5,\"policy_ref_info\":null}");
    assertThat(db.dbName()).isEqualTo(new CIStr("Test", "test"));
    assertThat(db.state()).isEqualTo(SchemaState.PUBLIC);
  }

  @Test
  void rejectsBrokenJson() {
    assertThatThrownBy(() -> TableInfoJson.parseTableInfo("{\"id\":"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builtTableHelpers() {
    TableInfo t =
        TableInfo.of(
            1,
            "x",
            List.of(ColumnInfo.of(1, "a", 0, FieldType.of(MysqlType.LONG, 0, 11, 0, "binary"))),
            List.of(),
            false,
            false);
    assertThat(t.hasHiddenRowId()).isTrue();
    assertThat(t.columnById(1)).isPresent();
    assertThat(t.columnById(-1)).isEmpty();
  }

  @Test
  void longTextLengthOfTidbFitsAsTheLargestInt() {
    // TiDB writes uint32 max as the Flen of LONGTEXT / LONGBLOB / JSON.
    FieldType ft =
        TableInfoJson.mapper()
            .convertValue(
                java.util.Map.of("Tp", 251, "Flag", 0, "Flen", 4294967295L, "Decimal", 0),
                FieldType.class);
    assertThat(ft.flen()).isEqualTo(Integer.MAX_VALUE);
  }
}
