package io.kafkabinlog.schemas.binlog;

/**
 * A binlog payload (a {@code binlog.Binlog} or {@code binlog.PrewriteValue}) that cannot be
 * decoded, or that decodes to values no TiDB would write. The message names what is wrong and
 * where: the byte offset when protobuf reports one, else the payload length.
 */
public class MalformedBinlogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedBinlogException(String message) {
    super(message);
  }

  public MalformedBinlogException(String message, Throwable cause) {
    super(message, cause);
  }
}
