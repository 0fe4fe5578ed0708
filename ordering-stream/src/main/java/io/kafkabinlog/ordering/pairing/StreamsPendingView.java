package io.kafkabinlog.ordering.pairing;

import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/** {@link PendingView} over the running application's stage 1 stores (interactive queries). */
public final class StreamsPendingView implements PendingView {
  private final KafkaStreams streams;

  public StreamsPendingView(final KafkaStreams streams) {
    this.streams = streams;
  }

  @Override
  public List<PendingPrewrite> pendingUpTo(final long maxStartTs, final int limit) {
    throw new UnsupportedOperationException("not built yet " + streams);
  }
}
