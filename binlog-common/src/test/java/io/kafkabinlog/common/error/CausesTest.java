package io.kafkabinlog.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CausesTest {
  @Test
  void shouldFindTheFirstCauseOfATypeThroughWrappers() {
    final IOException io = new IOException("disk");
    final Throwable chain = new ExecutionException(new IllegalStateException("wrap", io));

    assertThat(Causes.find(chain, IOException.class)).containsSame(io);
    assertThat(Causes.find(chain, ArithmeticException.class)).isEmpty();
  }

  @Test
  void shouldLetTheOutermostBinlogExceptionDecideRetriability() {
    final Throwable retriable =
        new ExecutionException(
            new RetriableBinlogException(
                ErrorCode.KAFKA_UNAVAILABLE,
                "later",
                new FatalBinlogException(ErrorCode.INTERNAL, "inner")));
    final Throwable fatal =
        new RuntimeException(new FatalBinlogException(ErrorCode.CONFIG_INVALID, "bad"));

    assertThat(Causes.isRetriable(retriable)).isTrue();
    assertThat(Causes.isRetriable(fatal)).isFalse();
    assertThat(Causes.isRetriable(new RuntimeException("unknown"))).isFalse();
  }

  @Test
  void shouldStopOnACauseCycle() {
    final RuntimeException a = new RuntimeException("a");
    final RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    assertThat(Causes.find(a, IOException.class)).isEmpty();
  }

  @Test
  void shouldUnwrapFutureWrappersOnly() {
    final IllegalStateException real = new IllegalStateException("real");
    assertThat(Causes.unwrap(new CompletionException(new ExecutionException(real)))).isSameAs(real);
    final RuntimeException plain = new RuntimeException(real);
    assertThat(Causes.unwrap(plain)).isSameAs(plain);
  }

  @Test
  void shouldCarryTheCodeAndSayItInToString() {
    final BinlogException e =
        new FatalBinlogException(ErrorCode.CLUSTER_ID_MISMATCH, "cluster ID are mismatch, 1 vs 2");
    assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_ID_MISMATCH);
    assertThat(e)
        .hasToString("FatalBinlogException[CLUSTER_ID_MISMATCH]: cluster ID are mismatch, 1 vs 2");
  }

  @Test
  void shouldFindTheRootCauseAndStopAtACycle() {
    final IOException io = new IOException("unknown host");
    assertThat(Causes.root(new IllegalStateException("wrap", new RuntimeException(io))))
        .isSameAs(io);
    final RuntimeException first = new RuntimeException("a");
    final RuntimeException second = new RuntimeException("b", first);
    first.initCause(second);
    assertThat(Causes.root(first)).isIn(first, second);
  }
}
