package io.kafkabinlog.schemas.codec;

/** The one (unchecked) error of the TiDB codec: malformed or unsupported input, with its offset. */
public class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int offset;

  public CodecException(int offset, String message) {
    super(message + " (at offset " + offset + ")");
    this.offset = offset;
  }

  public CodecException(int offset, String message, Throwable cause) {
    super(message + " (at offset " + offset + ")", cause);
    this.offset = offset;
  }

  /**
   * Byte offset in the input where the problem was found, or -1 when it is not about input bytes.
   */
  public int offset() {
    return offset;
  }
}
