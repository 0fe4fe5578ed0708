package io.kafkabinlog.ordering.app;

import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import io.kafkabinlog.ordering.decode.HttpSchemaSource;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.pairing.PendingPrewriteResolver;
import io.kafkabinlog.ordering.pairing.ResolutionWriter;
import io.kafkabinlog.ordering.pairing.StreamsPendingView;
import io.kafkabinlog.ordering.topology.OrderingTopology;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * What {@link OrderingApp} runs inside its lifecycle: the topology, the schema source and the
 * resolver's pass. {@link #standard()} is the production wiring; a test of the lifecycle alone
 * (start, failure, close) may override a part.
 */
public interface OrderingWiring {

  /** The production wiring. */
  static OrderingWiring standard() {
    return new OrderingWiring() {};
  }

  /** The topology, built from its settings; no I/O. */
  default Topology topology(
      final TopologySettings settings,
      final SchemaSource schemaSource,
      final Serializer<GenericRecord> avroSerializer,
      final OrderingObserver observer) {
    return new OrderingTopology(settings, schemaSource, avroSerializer, observer).build();
  }

  /** The schema source of {@code [schema-source]}; closed by the app. */
  default SchemaSource schemaSource(final List<URI> tidbStatusUrls, final Duration timeout) {
    return new HttpSchemaSource(tidbStatusUrls, timeout);
  }

  /** One pass of the resolver over the running stream's pending prewrites. */
  default IntSupplier resolver(
      final KafkaStreams streams,
      final TxnStatusResolver status,
      final ResolutionWriter writer,
      final Duration resolveAfter,
      final OrderingObserver observer) {
    final PendingPrewriteResolver resolver =
        new PendingPrewriteResolver(
            new StreamsPendingView(streams),
            status,
            writer,
            resolveAfter,
            observer,
            Clock.systemUTC());
    return resolver::resolveDue;
  }
}
