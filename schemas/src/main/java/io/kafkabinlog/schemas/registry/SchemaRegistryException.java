package io.kafkabinlog.schemas.registry;

/**
 * A schema-registry call failed: the registry answered with an error (then {@link #httpStatus()}
 * and Confluent's {@link #errorCode()} are set) or could not be reached (both -1).
 */
public final class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Confluent error code: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent error code: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent error code: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent error code: invalid schema. */
  public static final int INVALID_SCHEMA = 42201;

  /** Confluent error code: invalid version. */
  public static final int INVALID_VERSION = 42202;

  /** Confluent error code: invalid compatibility level. */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** Confluent error code: the schema is incompatible with the subject's earlier versions. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent error code: the backing store failed. */
  public static final int STORE_ERROR = 50001;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(final String message, final int httpStatus, final int errorCode) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(final String message, final Throwable cause) {
    super(message, cause);
    this.httpStatus = -1;
    this.errorCode = -1;
  }

  /** HTTP status of the registry's answer, -1 if there was none. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent {@code error_code} of the registry's answer, -1 if there was none. */
  public int errorCode() {
    return errorCode;
  }
}
