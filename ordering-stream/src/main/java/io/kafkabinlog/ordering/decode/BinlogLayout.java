package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.payload.FragmentedPayload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pass 1 over a {@code binlog.Binlog} payload: its scalar fields and where each table mutation and
 * each of its repeated fields start, without reading a row. Rows come later, in {@code sequence}
 * order, through {@link MutationRows}.
 *
 * <p>Field numbers (binlog.proto): Binlog {tp 1, start_ts 2, commit_ts 3, prewrite_key 4,
 * prewrite_value 5, ddl_query 6, ddl_job_id 7, ddl_schema_state 8}; PrewriteValue {schema_version
 * 1, mutations 2}; TableMutation {table_id 1, inserted_rows 2, updated_rows 3, deleted_ids 4,
 * deleted_pks 5, deleted_rows 6, sequence 7}.
 */
record BinlogLayout(
    long startTs,
    long commitTs,
    long ddlJobId,
    int ddlSchemaState,
    String ddlQuery,
    boolean hasPrewriteValue,
    long schemaVersion,
    List<Mutation> mutations) {

  /** MutationType values of {@code sequence}. */
  static final int INSERT = 0;

  static final int UPDATE = 1;
  static final int DELETE_ID = 2;
  static final int DELETE_PK = 3;
  static final int DELETE_ROW = 4;

  /** Largest DDL query read into memory; a real one is a few KiB. */
  private static final int MAX_DDL_QUERY = 16 * 1024 * 1024;

  /**
   * One TableMutation: its byte range, table id, the row and sequence counts, and the offset of the
   * first entry (its tag) of each repeated field, -1 when absent.
   */
  record Mutation(
      long offset,
      long end,
      long tableId,
      int inserted,
      int updated,
      int deleted,
      int sequenceLength,
      long firstInserted,
      long firstUpdated,
      long firstDeleted,
      long firstSequence) {

    int rows() {
      return inserted + updated + deleted;
    }
  }

  boolean isDdl() {
    return ddlJobId > 0;
  }

  int rowCount() {
    long n = 0;
    for (Mutation m : mutations) {
      n += m.rows();
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /**
   * Scans {@code payload}; checks that each {@code sequence} names exactly the rows present.
   *
   * @throws MalformedPayloadException if the structure is broken
   */
  static BinlogLayout scan(final FragmentedPayload payload) {
    ProtoInput in = new ProtoInput(payload, 0, payload.length());
    long startTs = 0;
    long commitTs = 0;
    long jobId = 0;
    int schemaState = 0;
    String query = "";
    boolean hasValue = false;
    long[] schemaVersion = {0};
    List<Mutation> mutations = new ArrayList<>();
    while (!in.atEnd()) {
      int tag = in.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 2 && wire == ProtoInput.VARINT) {
        startTs = in.readVarint();
      } else if (field == 3 && wire == ProtoInput.VARINT) {
        commitTs = in.readVarint();
      } else if (field == 7 && wire == ProtoInput.VARINT) {
        jobId = in.readVarint();
      } else if (field == 8 && wire == ProtoInput.VARINT) {
        schemaState = (int) in.readVarint();
      } else if (field == 6 && wire == ProtoInput.LEN) {
        int n = in.readLength();
        if (n > MAX_DDL_QUERY) {
          throw new MalformedPayloadException("ddl_query of " + n + " bytes");
        }
        query = new String(in.readBytes(n), StandardCharsets.UTF_8);
      } else if (field == 5 && wire == ProtoInput.LEN) {
        // A repeated prewrite_value would be merged by a protobuf parser; TiDB writes one.
        int n = in.readLength();
        hasValue = true;
        scanPrewriteValue(in, in.position() + n, schemaVersion, mutations);
      } else {
        in.skipField(tag);
      }
    }
    return new BinlogLayout(
        startTs, commitTs, jobId, schemaState, query, hasValue, schemaVersion[0], mutations);
  }

  private static void scanPrewriteValue(
      final ProtoInput in,
      final long end,
      final long[] schemaVersion,
      final List<Mutation> mutations) {
    while (in.position() < end) {
      int tag = in.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == ProtoInput.VARINT) {
        schemaVersion[0] = in.readVarint();
      } else if (field == 2 && wire == ProtoInput.LEN) {
        int n = in.readLength();
        mutations.add(scanMutation(in, in.position() + n));
      } else {
        in.skipField(tag);
      }
      requireWithin(in, end, "PrewriteValue");
    }
  }

  private static Mutation scanMutation(final ProtoInput in, final long end) {
    long offset = in.position();
    long tableId = 0;
    int[] counts = new int[3];
    int[] kinds = new int[3];
    int sequence = 0;
    long[] first = {-1, -1, -1, -1};
    while (in.position() < end) {
      long at = in.position();
      int tag = in.readTag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == ProtoInput.VARINT) {
        tableId = in.readVarint();
      } else if ((field == 2 || field == 3 || field == 6) && wire == ProtoInput.LEN) {
        int k = field == 2 ? 0 : field == 3 ? 1 : 2;
        if (first[k] < 0) {
          first[k] = at;
        }
        counts[k] = Math.addExact(counts[k], 1);
        in.skipBytes(in.readLength());
      } else if (field == 7 && (wire == ProtoInput.VARINT || wire == ProtoInput.LEN)) {
        if (first[3] < 0) {
          first[3] = at;
        }
        if (wire == ProtoInput.VARINT) {
          countKind(in.readVarint(), kinds, tableId);
          sequence++;
        } else {
          // Packed: proto2 parsers must accept it even though TiDB writes unpacked.
          int n = in.readLength();
          long packedEnd = in.position() + n;
          while (in.position() < packedEnd) {
            countKind(in.readVarint(), kinds, tableId);
            sequence++;
          }
          requireWithin(in, packedEnd, "packed sequence");
        }
      } else if ((field == 4 && wire == ProtoInput.VARINT)
          || (field == 4 && wire == ProtoInput.LEN)
          || (field == 5 && wire == ProtoInput.LEN)) {
        throw new MalformedPayloadException(
            "table "
                + tableId
                + " uses deleted_ids/deleted_pks, the obsolete TiDB 1.0 delete forms that a"
                + " row image cannot be built from");
      } else {
        in.skipField(tag);
      }
      requireWithin(in, end, "TableMutation");
    }
    if (sequence > 0 && (kinds[0] != counts[0] || kinds[1] != counts[1] || kinds[2] != counts[2])) {
      throw new MalformedPayloadException(
          "table "
              + tableId
              + ": sequence names "
              + kinds[0]
              + " inserts, "
              + kinds[1]
              + " updates, "
              + kinds[2]
              + " deletes but the mutation holds "
              + counts[0]
              + ", "
              + counts[1]
              + ", "
              + counts[2]);
    }
    return new Mutation(
        offset, end, tableId, counts[0], counts[1], counts[2], sequence, first[0], first[1],
        first[2], first[3]);
  }

  private static void countKind(final long kind, final int[] kinds, final long tableId) {
    if (kind == INSERT) {
      kinds[0]++;
    } else if (kind == UPDATE) {
      kinds[1]++;
    } else if (kind == DELETE_ROW) {
      kinds[2]++;
    } else {
      throw new MalformedPayloadException(
          "table "
              + tableId
              + ": sequence entry "
              + kind
              + (kind == DELETE_ID || kind == DELETE_PK
                  ? " (an obsolete TiDB 1.0 delete form)"
                  : " is not a MutationType"));
    }
  }

  private static void requireWithin(final ProtoInput in, final long end, final String what) {
    if (in.position() > end) {
      throw new MalformedPayloadException(
          "a field of " + what + " runs past its end (offset " + end + ")");
    }
  }
}
