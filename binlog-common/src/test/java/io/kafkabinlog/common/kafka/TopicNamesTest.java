package io.kafkabinlog.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicNamesTest {
  private final TopicNames names = new TopicNames("binlog", "6808256254185553468");

  @Test
  void shouldNameEveryStreamUnderPrefixAndCluster() {
    assertThat(names.raw()).isEqualTo("binlog.6808256254185553468.raw");
    assertThat(names.control()).isEqualTo("binlog.6808256254185553468.control");
    assertThat(names.resolutions()).isEqualTo("binlog.6808256254185553468.resolutions");
    assertThat(names.txn()).isEqualTo("binlog.6808256254185553468.txn");
    assertThat(names.rows()).isEqualTo("binlog.6808256254185553468.rows");
    assertThat(names.deadLetter()).isEqualTo("binlog.6808256254185553468.dead-letter");
    assertThat(names.applicationId("ordering-stream"))
        .isEqualTo("binlog.6808256254185553468.ordering-stream");
    assertThat(names.consumerGroup("mysql-sink", "MariaDB_Prod"))
        .isEqualTo("binlog.6808256254185553468.mysql-sink.mariadb-prod");
  }

  @Test
  void shouldKeepTheOriginalObinlogTopicName() {
    assertThat(names.obinlog()).isEqualTo("6808256254185553468_obinlog");
  }

  @Test
  void shouldNeverUseUnderscoresOrUppercaseInTableTopics() {
    assertThat(names.table("TiDB_Test", "Order Items"))
        .isEqualTo("binlog.6808256254185553468.avro.tidb-test.order-items");
  }

  @Test
  void shouldRefuseIllegalPrefixesAndOverlongNames() {
    assertThatThrownBy(() -> new TopicNames("Bad_Prefix", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> names.table("d", "t".repeat(300)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("249");
  }
}
