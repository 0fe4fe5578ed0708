package io.kafkabinlog.ordering.decode;

/** A binlog payload whose protobuf structure is broken (truncated, bad tag or length). */
final class MalformedPayloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MalformedPayloadException(final String message) {
    super(message);
  }
}
