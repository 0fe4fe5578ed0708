package io.kafkabinlog.schemas.codec;

/** An ENUM value: the 1-based index (0 = the '' error value) and the element name. */
public record MysqlEnum(long index, String name) {}
