package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import java.io.IOException;

/**
 * JSON values of stage 3's stores (TiDB's schema JSON inside, as {@link TableInfoJson} reads it).
 */
final class StoredJson {
  private static final ObjectMapper JSON = TableInfoJson.mapper();

  private StoredJson() {}

  static byte[] write(final Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(final byte[] bytes, final Class<T> type, final String store) {
    try {
      return JSON.readValue(bytes, type);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "store "
              + store
              + " holds a value that is not a "
              + type.getSimpleName()
              + ": "
              + e.getMessage()
              + "; the store or its changelog topic was written by something else",
          e);
    }
  }
}
