package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * TiDB writes {@code Flen} 4294967295 (uint32 max) for LONGTEXT, LONGBLOB and JSON, which does not
 * fit the {@code int} every other length does; such a length means "up to 4 GiB" and is read as
 * {@link Integer#MAX_VALUE}, which no value of ours can exceed either.
 */
final class FlenDeserializer extends StdDeserializer<Integer> {
  private static final long serialVersionUID = 1L;

  FlenDeserializer() {
    super(Integer.class);
  }

  @Override
  public Integer deserialize(final JsonParser p, final DeserializationContext ctx)
      throws IOException {
    long v = p.getLongValue();
    return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(v, Integer.MIN_VALUE);
  }
}
