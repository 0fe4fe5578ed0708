package io.kafkabinlog.ordering.app;

import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.txnstatus.HttpTxnStatusResolver;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Asks several transaction-status services ({@code [resolver] txn-status-urls}) in turn: the one
 * that answered last first, the next one when it is unavailable. A fatal answer (a malformed reply,
 * a URL that is not a status service) is not hidden by asking elsewhere.
 */
final class FailoverTxnStatusResolver implements TxnStatusResolver {
  private final List<TxnStatusResolver> resolvers;
  private volatile int preferred;

  FailoverTxnStatusResolver(final List<? extends TxnStatusResolver> resolvers) {
    if (resolvers.isEmpty()) {
      throw new IllegalArgumentException("at least one transaction-status service is needed");
    }
    this.resolvers = List.copyOf(resolvers);
  }

  /** One {@link HttpTxnStatusResolver} per URL; {@code setting} is named in their errors. */
  static FailoverTxnStatusResolver http(
      final List<URI> urls, final Duration timeout, final String setting) {
    return new FailoverTxnStatusResolver(
        urls.stream().map(url -> new HttpTxnStatusResolver(url, timeout, setting)).toList());
  }

  @Override
  public TxnStatus resolve(final long startTs, final byte[] primaryKey) {
    final int first = preferred;
    RetriableBinlogException last = null;
    for (int i = 0; i < resolvers.size(); i++) {
      final int index = (first + i) % resolvers.size();
      try {
        final TxnStatus status = resolvers.get(index).resolve(startTs, primaryKey);
        preferred = index;
        return status;
      } catch (RetriableBinlogException e) {
        last = e;
      }
    }
    throw last;
  }

  @Override
  public void close() {
    resolvers.forEach(TxnStatusResolver::close);
  }
}
