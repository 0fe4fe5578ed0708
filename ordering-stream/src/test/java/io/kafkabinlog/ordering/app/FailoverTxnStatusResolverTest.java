package io.kafkabinlog.ordering.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverTxnStatusResolverTest {
  private final List<String> asked = new ArrayList<>();

  private TxnStatusResolver up(final String name, final TxnStatus answer) {
    return (startTs, key) -> {
      asked.add(name);
      return answer;
    };
  }

  private TxnStatusResolver down(final String name) {
    return (startTs, key) -> {
      asked.add(name);
      throw new RetriableBinlogException(ErrorCode.TXN_STATUS_UNAVAILABLE, name + " is down");
    };
  }

  @Test
  void asksTheNextServiceWhenOneIsDownAndKeepsTheOneThatAnswered() {
    final FailoverTxnStatusResolver resolver =
        new FailoverTxnStatusResolver(
            List.of(
                down("a"), up("b", new TxnStatus.Committed(20)), up("c", new TxnStatus.Pending())));
    assertThat(resolver.resolve(10, new byte[0])).isEqualTo(new TxnStatus.Committed(20));
    assertThat(resolver.resolve(11, new byte[0])).isEqualTo(new TxnStatus.Committed(20));
    assertThat(asked).containsExactly("a", "b", "b");
  }

  @Test
  void whenEveryServiceIsDownTheLastErrorIsRetriable() {
    final FailoverTxnStatusResolver resolver =
        new FailoverTxnStatusResolver(List.of(down("a"), down("b")));
    assertThatThrownBy(() -> resolver.resolve(10, new byte[0]))
        .isInstanceOf(RetriableBinlogException.class)
        .hasMessage("b is down");
  }

  @Test
  void aFatalAnswerIsNotHiddenByAskingElsewhere() {
    final FailoverTxnStatusResolver resolver =
        new FailoverTxnStatusResolver(
            List.of(
                (startTs, key) -> {
                  throw new FatalBinlogException(ErrorCode.MALFORMED_INPUT, "unexpected answer");
                },
                up("b", new TxnStatus.RolledBack())));
    assertThatThrownBy(() -> resolver.resolve(10, new byte[0]))
        .isInstanceOf(FatalBinlogException.class);
    assertThat(asked).isEmpty();
  }
}
