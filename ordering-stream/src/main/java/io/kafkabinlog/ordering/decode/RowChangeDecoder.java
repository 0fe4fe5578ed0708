package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.codec.row.RowImage;
import io.kafkabinlog.schemas.codec.row.UpdatedRow;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Decodes the row images of one table version into RowChange records: every public column except
 * virtual generated ones (their values are not in row images), in table order, a column the image
 * lacks filled by {@link MissingColumnValue}.
 */
final class RowChangeDecoder {
  /** A RowChange and a rough size of its encoding. */
  record Decoded(GenericRecord rowChange, int estimatedBytes) {}

  private final TableVersion version;
  private final RowCodec codec;
  private final List<ColumnInfo> columns = new ArrayList<>();
  private final List<String> types = new ArrayList<>();
  private final List<Object> missing = new ArrayList<>();
  private final int fixedBytes;

  RowChangeDecoder(final TableVersion version) {
    this.version = version;
    TableInfo table = version.table();
    this.codec = new RowCodec(table);
    int fixed = 16 + version.db().length() + table.name().o().length();
    List<ColumnInfo> ordered = new ArrayList<>(table.cols());
    ordered.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
    for (ColumnInfo c : ordered) {
      boolean virtual = c.isGenerated() && !Boolean.TRUE.equals(c.generatedStored());
      if (!c.isPublic() || virtual || Boolean.TRUE.equals(c.hidden())) {
        continue;
      }
      columns.add(c);
      String type = ColumnTypeText.of(c.type());
      types.add(type);
      missing.add(MissingColumnValue.of(c));
      fixed += 4 + c.name().o().length() + type.length();
    }
    this.fixedBytes = fixed;
  }

  TableVersion version() {
    return version;
  }

  Decoded insert(final long physicalId, final byte[] row) {
    RowImage after = codec.decodeInserted(row);
    return build(physicalId, ChangeType.INSERT, null, after);
  }

  Decoded update(final long physicalId, final byte[] row) {
    UpdatedRow u = codec.decodeUpdated(row);
    return build(physicalId, ChangeType.UPDATE, u.oldRow(), u.newRow());
  }

  Decoded delete(final long physicalId, final byte[] row) {
    RowImage before = codec.decodeDeleted(row);
    return build(physicalId, ChangeType.DELETE, before, null);
  }

  private Decoded build(
      final long physicalId, final ChangeType type, final RowImage before, final RowImage after) {
    int[] size = {fixedBytes};
    List<GenericRecord> b = before == null ? null : image(before, size);
    List<GenericRecord> a = after == null ? null : image(after, size);
    GenericRecord rc =
        AvroEvents.rowChange(version.db(), version.table().name().o(), physicalId, type, b, a);
    return new Decoded(rc, size[0]);
  }

  private List<GenericRecord> image(final RowImage image, final int[] size) {
    List<GenericRecord> out = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      ColumnInfo c = columns.get(i);
      Object v = image.has(c.id()) ? image.get(c.id()) : missing.get(i);
      Object javaValue = AvroColumnValue.javaValue(c.type(), v);
      size[0] += AvroColumnValue.estimatedSize(javaValue);
      out.add(AvroColumnValue.of(c.name().o(), types.get(i), c.type(), javaValue));
    }
    return out;
  }
}
