package io.kafkabinlog.mysqlsink.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import org.junit.jupiter.api.Test;

class UseStatementTest {
  @Test
  void usesTheDdlsDatabaseQuoted() {
    assertThat(UseStatement.before("my`db", "CREATE TABLE t (a int)").orElseThrow().sql())
        .isEqualTo("USE `my``db`");
    assertThat(UseStatement.before("d", "DROP DATABASE `d`")).isPresent();
  }

  @Test
  void createDatabaseRunsWithoutUse() {
    assertThat(UseStatement.before("d", "CREATE DATABASE `d`")).isEmpty();
    assertThat(UseStatement.before("", " /* x */ create schema if not exists d")).isEmpty();
  }

  @Test
  void aDdlWithoutDatabaseIsAnError() {
    assertThatThrownBy(() -> UseStatement.before("", "CREATE TABLE t (a int)"))
        .isInstanceOf(FatalBinlogException.class);
  }
}
