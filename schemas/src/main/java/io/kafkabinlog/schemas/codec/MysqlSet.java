package io.kafkabinlog.schemas.codec;

import java.util.List;

/** A SET value: the bitmask (bit i = {@code Elems[i]}) and the member names in element order. */
public record MysqlSet(long bits, List<String> names) {
  public MysqlSet {
    names = List.copyOf(names);
  }
}
