package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.payload.FragmentedPayload;

/**
 * Pass 2 over one table mutation: its rows in {@code sequence} order (inserts, then updates, then
 * deletes when the sequence is empty). Four cursors move forward through the mutation, one per
 * repeated field ({@code sequence}, {@code inserted_rows}, {@code updated_rows}, {@code
 * deleted_rows}), each starting at the first entry of its field, so only one row is in memory at a
 * time and each fragment is fetched about once per cursor whatever the field order.
 */
final class MutationRows {
  /** One row image: its kind ({@link BinlogLayout#INSERT} ...), bytes, and index in the table. */
  record Row(int kind, byte[] bytes, int index) {}

  private final BinlogLayout.Mutation mutation;
  private final FieldCursor sequence;
  private final FieldCursor inserted;
  private final FieldCursor updated;
  private final FieldCursor deleted;
  private int next;

  MutationRows(final FragmentedPayload payload, final BinlogLayout.Mutation mutation) {
    this.mutation = mutation;
    this.sequence = new FieldCursor(payload, mutation.firstSequence(), mutation.end(), 7);
    this.inserted = new FieldCursor(payload, mutation.firstInserted(), mutation.end(), 2);
    this.updated = new FieldCursor(payload, mutation.firstUpdated(), mutation.end(), 3);
    this.deleted = new FieldCursor(payload, mutation.firstDeleted(), mutation.end(), 6);
  }

  boolean hasNext() {
    return next < mutation.rows();
  }

  Row next() {
    int kind;
    if (mutation.sequenceLength() > 0) {
      kind = (int) sequence.nextVarint();
    } else if (next < mutation.inserted()) {
      kind = BinlogLayout.INSERT;
    } else if (next < mutation.inserted() + mutation.updated()) {
      kind = BinlogLayout.UPDATE;
    } else {
      kind = BinlogLayout.DELETE_ROW;
    }
    next++;
    return switch (kind) {
      case BinlogLayout.INSERT -> new Row(kind, inserted.nextBytes(), inserted.taken() - 1);
      case BinlogLayout.UPDATE -> new Row(kind, updated.nextBytes(), updated.taken() - 1);
      case BinlogLayout.DELETE_ROW -> new Row(kind, deleted.nextBytes(), deleted.taken() - 1);
      default -> throw new MalformedPayloadException("sequence entry " + kind);
    };
  }

  /** The entries of one field of a message, from its first entry on; opened on first use. */
  private static final class FieldCursor {
    private final FragmentedPayload payload;
    private final long from;
    private final long end;
    private final int field;
    private ProtoInput in;
    private long packedEnd = -1;
    private int taken;

    FieldCursor(final FragmentedPayload payload, final long from, final long end, final int field) {
      this.payload = payload;
      this.from = from;
      this.end = end;
      this.field = field;
    }

    int taken() {
      return taken;
    }

    byte[] nextBytes() {
      ProtoInput input = input();
      while (!input.atEnd()) {
        int tag = input.readTag();
        if ((tag >>> 3) == field && (tag & 7) == ProtoInput.LEN) {
          taken++;
          return input.readBytes(input.readLength());
        }
        input.skipField(tag);
      }
      throw exhausted();
    }

    long nextVarint() {
      ProtoInput input = input();
      if (packedEnd >= 0 && input.position() < packedEnd) {
        taken++;
        return input.readVarint();
      }
      packedEnd = -1;
      while (!input.atEnd()) {
        int tag = input.readTag();
        if ((tag >>> 3) == field && (tag & 7) == ProtoInput.VARINT) {
          taken++;
          return input.readVarint();
        }
        if ((tag >>> 3) == field && (tag & 7) == ProtoInput.LEN) {
          int n = input.readLength();
          if (n > 0) {
            packedEnd = input.position() + n;
            taken++;
            return input.readVarint();
          }
          continue;
        }
        input.skipField(tag);
      }
      throw exhausted();
    }

    private ProtoInput input() {
      if (in == null) {
        if (from < 0) {
          throw exhausted();
        }
        in = new ProtoInput(payload, from, end);
      }
      return in;
    }

    private MalformedPayloadException exhausted() {
      return new MalformedPayloadException(
          "table mutation at offset " + from + " has fewer entries of field " + field);
    }
  }
}
