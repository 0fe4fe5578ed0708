package io.kafkabinlog.ordering.output;

import org.apache.avro.generic.GenericRecord;

/** A record stage 3 publishes: its topic and partition are decided by stage 3, not by a hash. */
public sealed interface OutputRecord {

  String topic();

  int partition();

  /** An Avro record (Transaction or ResolvedTs), serialized with the registry's wire format. */
  record Avro(String topic, int partition, GenericRecord value) implements OutputRecord {}

  /** Raw bytes (a fragment of a poison transaction's binlog) for the dead-letter topic. */
  record DeadLetter(String topic, int partition, byte[] value) implements OutputRecord {}
}
