package io.kafkabinlog.common.error;

/**
 * What went wrong, as a stable code for logs, metrics and tests. Whether a failure is retried is
 * decided by the exception class ({@link RetriableBinlogException} or {@link
 * FatalBinlogException}), not by the code: the same cause can be retriable for an idempotent
 * operation and fatal for another.
 */
public enum ErrorCode {
  /** A configuration value is missing, malformed or inconsistent with another. */
  CONFIG_INVALID,
  /** A request carried a cluster id other than this component's. */
  CLUSTER_ID_MISMATCH,
  /** A binlog, row image or DDL job could not be decoded. */
  MALFORMED_INPUT,
  /** Kafka did not answer or refused a request in time. */
  KAFKA_UNAVAILABLE,
  /** etcd (PD's etcd in production) did not answer in time. */
  ETCD_UNAVAILABLE,
  /** The downstream database refused or lost a connection. */
  DOWNSTREAM_UNAVAILABLE,
  /** The downstream database rejected a statement for a reason retrying cannot fix. */
  DOWNSTREAM_REJECTED,
  /** A registry entry changed concurrently or is in a state that forbids the operation. */
  REGISTRY_CONFLICT,
  /** An ordering invariant would be broken (for example a transaction below the resolved ts). */
  ORDERING_VIOLATION,
  /** The timestamp oracle (PD, or tidb-sim's stand-in) did not answer in time. */
  TSO_UNAVAILABLE,
  /** No pump accepted a binlog (none registered, none online, or every one failed). */
  PUMP_UNAVAILABLE,
  /** The transaction-status service (TiKV, or tidb-sim's stand-in) did not answer. */
  TXN_STATUS_UNAVAILABLE,
  /** The schema source (TiDB's status API /ddl/history, or tidb-sim's) did not answer. */
  SCHEMA_SOURCE_UNAVAILABLE,
  /** A transaction lost a lock or schema race and was rolled back; retrying it may succeed. */
  TXN_CONFLICT,
  /** A pump's or drainer's status API (PUT /state/..., GET /status) did not answer. */
  NODE_UNREACHABLE,
  /** A component is shutting down and refuses new work. */
  SHUTTING_DOWN,
  /** Anything not covered above; prefer adding a code to using this one. */
  INTERNAL
}
