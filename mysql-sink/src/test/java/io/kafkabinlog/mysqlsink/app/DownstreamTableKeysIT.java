package io.kafkabinlog.mysqlsink.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.apply.DownstreamRetry;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.lang.reflect.Proxy;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class DownstreamTableKeysIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  @Test
  void shouldBorrowAConnectionOnlyOnACacheMiss() throws Exception {
    try (Statement s = MARIADB.connection().createStatement()) {
      s.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
    }
    final AtomicInteger borrowed = new AtomicInteger();
    final DataSource counting =
        (DataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("getConnection")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  borrowed.incrementAndGet();
                  return MARIADB.connection();
                });
    final DownstreamTableKeys lookup =
        new DownstreamTableKeys(counting, new DownstreamSchema(), DownstreamRetry.defaults());

    final TableKeys first = lookup.keys(MARIADB.database(), "t");
    for (int i = 0; i < 100; i++) {
      assertThat(lookup.keys(MARIADB.database(), "t")).isSameAs(first);
    }

    assertThat(first.uniqueKeys()).containsExactly(List.of("id"));
    assertThat(borrowed).as("connections borrowed for 101 lookups of one table").hasValue(1);
  }
}
