package io.kafkabinlog.schemas.codec.row;

/** An {@code updated_rows} entry: the old image followed by the new one. */
public record UpdatedRow(RowImage oldRow, RowImage newRow) {}
