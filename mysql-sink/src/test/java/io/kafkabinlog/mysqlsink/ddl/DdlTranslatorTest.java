package io.kafkabinlog.mysqlsink.ddl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DdlTranslatorTest {
  private final DdlTranslator translator = new DdlTranslator();

  private String translate(final String query) {
    return translator.translate(query).orElseThrow();
  }

  @Test
  void keepsPlainMysqlTextByteForByte() {
    final String q =
        "CREATE TABLE `d`.`t` (`id` BIGINT NOT NULL AUTO_INCREMENT, `v` VARCHAR(64) DEFAULT"
            + " 'AUTO_RANDOM, TTL' COMMENT '/*T![x] keep */', PRIMARY KEY (`id`))"
            + " /*!40101 ENGINE=InnoDB */ -- SHARD_ROW_ID_BITS=4\n";

    assertThat(translate(q)).isEqualTo(q);
  }

  @Test
  void stripsTheClusteredCommentTidbSimGenerates() {
    // TableSpec.toCreateSql of tidb-sim's catalog, clustered and non-clustered.
    assertThat(
            translate(
                "CREATE TABLE `shop`.`orders` (`id` bigint NOT NULL, `note` varchar(64),"
                    + " PRIMARY KEY (`id`) /*T![clustered_index] CLUSTERED */, KEY `n` (`note`))"))
        .isEqualTo(
            "CREATE TABLE `shop`.`orders` (`id` bigint NOT NULL, `note` varchar(64),"
                + " PRIMARY KEY (`id`), KEY `n` (`note`))");
    assertThat(
            translate(
                "CREATE TABLE `s`.`t` (`a` int, `b` int,"
                    + " PRIMARY KEY (`a`,`b`) /*T![clustered_index] NONCLUSTERED */)"))
        .isEqualTo("CREATE TABLE `s`.`t` (`a` int, `b` int, PRIMARY KEY (`a`,`b`))");
  }

  @Test
  void stripsTidbRenderedFeatureComments() {
    // As TiDB's FormatAndAddTiDBSpecificComment renders them (SHOW CREATE TABLE style).
    final String q =
        "CREATE TABLE `t` (\n"
            + "  `id` bigint(20) NOT NULL /*T![auto_rand] AUTO_RANDOM(5) */,\n"
            + "  `c` datetime DEFAULT NULL,\n"
            + "  PRIMARY KEY (`id`) /*T![clustered_index] CLUSTERED */\n"
            + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
            + " /*T![auto_rand_base] AUTO_RANDOM_BASE=30001 */"
            + " /*T! SHARD_ROW_ID_BITS=4 PRE_SPLIT_REGIONS=2 */"
            + " /*T![placement] PLACEMENT POLICY=`p1` */"
            + " /*T![ttl] TTL=`c` + INTERVAL 1 DAY */ /*T![ttl] TTL_ENABLE='OFF' */"
            + " /*T![ttl] TTL_JOB_INTERVAL='1h' */";

    assertThat(translate(q))
        .isEqualTo(
            "CREATE TABLE `t` (\n"
                + "  `id` bigint(20) NOT NULL,\n"
                + "  `c` datetime DEFAULT NULL,\n"
                + "  PRIMARY KEY (`id`)\n"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  @Test
  void stripsTidbVersionComments() {
    // Older TiDB wrapped these so MySQL skips them; MariaDB would execute /*!90000 ... */.
    assertThat(
            translate("CREATE TABLE t (a int) /*!90000 SHARD_ROW_ID_BITS=4 PRE_SPLIT_REGIONS=3 */"))
        .isEqualTo("CREATE TABLE t (a int)");
  }

  @Test
  void stripsBareTidbClauses() {
    assertThat(
            translate("CREATE TABLE t (id bigint AUTO_RANDOM(5, 54) PRIMARY KEY CLUSTERED, v int)"))
        .isEqualTo("CREATE TABLE t (id bigint PRIMARY KEY, v int)");
    assertThat(
            translate(
                "CREATE TABLE t (id int, PRIMARY KEY (id) NONCLUSTERED) ENGINE=InnoDB,"
                    + " SHARD_ROW_ID_BITS = 4 PRE_SPLIT_REGIONS=2 AUTO_ID_CACHE 1"))
        .isEqualTo("CREATE TABLE t (id int, PRIMARY KEY (id)) ENGINE=InnoDB");
    assertThat(translate("ALTER TABLE t SHARD_ROW_ID_BITS=4, ADD COLUMN c int"))
        .isEqualTo("ALTER TABLE t ADD COLUMN c int");
    assertThat(translate("ALTER TABLE t ADD COLUMN c int, PLACEMENT POLICY = 'p'"))
        .isEqualTo("ALTER TABLE t ADD COLUMN c int");
    assertThat(
            translate(
                "CREATE TABLE t (a int, c datetime) TTL = `c` + INTERVAL '1' YEAR TTL_ENABLE = 'ON'"))
        .isEqualTo("CREATE TABLE t (a int, c datetime)");
  }

  @Test
  void aPartitionsPlacementKeepsThePartitionSeparator() {
    assertThat(
            translate(
                "CREATE TABLE t (a int) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10)"
                    + " PLACEMENT POLICY=p, PARTITION p1 VALUES LESS THAN MAXVALUE)"))
        .isEqualTo(
            "CREATE TABLE t (a int) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10),"
                + " PARTITION p1 VALUES LESS THAN MAXVALUE)");
  }

  @Test
  void doesNotTouchIdentifiersThatLookLikeClauses() {
    final String q = "ALTER TABLE t ADD COLUMN ttl int, ADD COLUMN `AUTO_RANDOM` int";
    assertThat(translate(q)).isEqualTo(q);
  }

  @Test
  void nothingLeftMeansNothingToExecute() {
    assertThat(translator.translate("ALTER TABLE `d`.`t` /*T![placement] PLACEMENT POLICY=`p` */"))
        .isEmpty();
    assertThat(translator.translate("ALTER TABLE t REMOVE TTL")).isEmpty();
    assertThat(translator.translate("ALTER DATABASE d PLACEMENT POLICY = DEFAULT")).isEmpty();
    assertThat(translator.translate("ALTER TABLE t TTL_ENABLE = 'OFF';")).isEmpty();
  }
}
