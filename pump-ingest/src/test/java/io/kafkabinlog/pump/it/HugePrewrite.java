package io.kafkabinlog.pump.it;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * A prewrite {@code binlog.Binlog} of any size, written straight into one exact-size array: a
 * {@code prewrite_value} with one {@code TableMutation} of {@code rows} inserted rows of {@code
 * rowBytes} seeded random bytes each, and the matching {@code sequence}. The same bytes as
 * serialising the message built field by field, without holding the rows twice.
 */
final class HugePrewrite {
  // Field numbers of binlog.proto.
  private static final int BINLOG_TP = 1;
  private static final int BINLOG_START_TS = 2;
  private static final int BINLOG_PREWRITE_VALUE = 5;
  private static final int VALUE_SCHEMA_VERSION = 1;
  private static final int VALUE_MUTATIONS = 2;
  private static final int MUTATION_TABLE_ID = 1;
  private static final int MUTATION_INSERTED_ROWS = 2;
  private static final int MUTATION_SEQUENCE = 7;
  private static final long TABLE_ID = 42;
  private static final long SCHEMA_VERSION = 7;

  private HugePrewrite() {}

  static byte[] build(final long startTs, final int rows, final int rowBytes, final long seed) {
    final long rowField =
        CodedOutputStream.computeTagSize(MUTATION_INSERTED_ROWS)
            + CodedOutputStream.computeUInt32SizeNoTag(rowBytes)
            + (long) rowBytes;
    final long sequenceField =
        CodedOutputStream.computeEnumSize(MUTATION_SEQUENCE, MutationType.Insert.getNumber());
    final long mutation =
        CodedOutputStream.computeInt64Size(MUTATION_TABLE_ID, TABLE_ID)
            + rows * (rowField + sequenceField);
    final long value =
        CodedOutputStream.computeInt64Size(VALUE_SCHEMA_VERSION, SCHEMA_VERSION)
            + CodedOutputStream.computeTagSize(VALUE_MUTATIONS)
            + CodedOutputStream.computeUInt32SizeNoTag((int) mutation)
            + mutation;
    final long binlog =
        CodedOutputStream.computeEnumSize(BINLOG_TP, BinlogType.Prewrite.getNumber())
            + CodedOutputStream.computeInt64Size(BINLOG_START_TS, startTs)
            + CodedOutputStream.computeTagSize(BINLOG_PREWRITE_VALUE)
            + CodedOutputStream.computeUInt32SizeNoTag((int) value)
            + value;
    if (binlog > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("a binlog of " + binlog + " bytes does not fit an array");
    }
    final byte[] bytes = new byte[(int) binlog];
    final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    final Random random = new Random(seed);
    final byte[] row = new byte[rowBytes];
    try {
      out.writeEnum(BINLOG_TP, BinlogType.Prewrite.getNumber());
      out.writeInt64(BINLOG_START_TS, startTs);
      out.writeTag(BINLOG_PREWRITE_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag((int) value);
      out.writeInt64(VALUE_SCHEMA_VERSION, SCHEMA_VERSION);
      out.writeTag(VALUE_MUTATIONS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag((int) mutation);
      out.writeInt64(MUTATION_TABLE_ID, TABLE_ID);
      for (int i = 0; i < rows; i++) {
        random.nextBytes(row);
        out.writeByteArray(MUTATION_INSERTED_ROWS, row);
      }
      for (int i = 0; i < rows; i++) {
        out.writeEnum(MUTATION_SEQUENCE, MutationType.Insert.getNumber());
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }
}
