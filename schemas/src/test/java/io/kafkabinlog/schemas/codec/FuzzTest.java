package io.kafkabinlog.schemas.codec;

import static org.assertj.core.api.Assertions.fail;

import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 random and mutated inputs through the datum, typed-value, JSON and row decoders: only
 * success or CodecException may come out.
 */
class FuzzTest {
  /** Fixed by default; {@code -Dfuzz.seed=N -Dfuzz.iterations=M} explores further. */
  private static final long SEED = Long.getLong("fuzz.seed", 0xF0221L);

  private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 100_000);

  private static final List<FieldType> TYPES = RandomValues.columnTypes();

  /** Every column type; PK variants: 0 = int handle, 1 = clustered (cols 1 and 2), 2 = none. */
  static TableInfo allTypesTable(int variant) {
    List<ColumnInfo> cols = new ArrayList<>();
    cols.add(
        ColumnInfo.of(
            1,
            "k",
            0,
            FieldType.of(
                MysqlType.LONGLONG,
                MysqlFlag.NOT_NULL | (variant == 2 ? 0 : MysqlFlag.PRI_KEY),
                20,
                0,
                "binary")));
    cols.add(
        ColumnInfo.of(
            2,
            "k2",
            1,
            new FieldType(
                MysqlType.VARCHAR,
                MysqlFlag.NOT_NULL | (variant == 1 ? MysqlFlag.PRI_KEY : 0),
                20,
                0,
                "utf8mb4",
                "utf8mb4_bin",
                null,
                null,
                null)));
    for (int i = 0; i < TYPES.size(); i++) {
      cols.add(ColumnInfo.of(i + 3, "c" + i, i + 2, TYPES.get(i)));
    }
    List<IndexInfo> idx =
        variant == 1
            ? List.of(
                new IndexInfo(
                    1,
                    null,
                    null,
                    List.of(new IndexColumn(null, 0, -1), new IndexColumn(null, 1, -1)),
                    5,
                    "",
                    1,
                    true,
                    true,
                    false,
                    false))
            : List.of();
    return TableInfo.of(200 + variant, "all", cols, idx, variant == 0, variant == 1);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void onlyCodecExceptionEscapes() {
    Random rnd = new Random(SEED);
    RandomValues gen = new RandomValues(rnd);
    List<RowCodec> codecs = new ArrayList<>();
    for (int v = 0; v < 3; v++) {
      codecs.add(new RowCodec(allTypesTable(v)));
    }
    List<Seed> corpus = buildCorpus(rnd, gen, codecs);
    int ok = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      Seed seed = corpus.get(rnd.nextInt(corpus.size()));
      boolean matched = rnd.nextBoolean();
      int pick = rnd.nextInt(8);
      byte[] input =
          pick == 0
              ? randomBytes(rnd)
              : pick == 1 ? seed.bytes().clone() : mutate(rnd, seed.bytes());
      FieldType ft =
          matched && seed.type() != null ? seed.type() : TYPES.get(rnd.nextInt(TYPES.size()));
      RowCodec codec =
          codecs.get(matched && seed.table() >= 0 ? seed.table() : rnd.nextInt(codecs.size()));
      int mode = matched ? seed.mode() : rnd.nextInt(6);
      try {
        switch (mode) {
          case 0 -> DatumCodec.decodeOne(input);
          case 1 -> ValueCodec.decode(input, ft);
          case 2 -> codec.decodeInserted(input);
          case 3 -> codec.decodeUpdated(input);
          case 4 -> codec.decodeDeleted(input);
          default -> {
            if (input.length > 0) {
              JsonBinary.toText(input[0] & 0xFF, Arrays.copyOfRange(input, 1, input.length));
            }
          }
        }
        ok++;
      } catch (CodecException expected) {
        // fine
      } catch (Throwable t) {
        fail(
            "seed=0x"
                + Long.toHexString(SEED)
                + " iteration="
                + i
                + " mode="
                + mode
                + " type="
                + ft
                + " table="
                + codec.table().id()
                + " input="
                + HexFormat.of().formatHex(input),
            t);
      }
    }
    System.out.println("fuzz: " + ok + " of " + ITERATIONS + " inputs decoded without error");
  }

  private static byte[] randomBytes(Random rnd) {
    byte[] b = new byte[rnd.nextInt(48)];
    rnd.nextBytes(b);
    if (b.length > 0 && rnd.nextBoolean()) {
      // Start with a plausible flag byte.
      b[0] = (byte) new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xFA}[rnd.nextInt(12)];
    }
    return b;
  }

  /** A valid input and the decoder it was made for (mode as in the main loop). */
  private record Seed(byte[] bytes, FieldType type, int table, int mode) {}

  private static List<Seed> buildCorpus(Random rnd, RandomValues gen, List<RowCodec> codecs) {
    List<Seed> corpus = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      FieldType ft = TYPES.get(rnd.nextInt(TYPES.size()));
      byte[] enc = ValueCodec.encode(gen.valueFor(ft), ft);
      corpus.add(new Seed(enc, ft, -1, rnd.nextBoolean() ? 0 : 1));
      if (enc[0] == DatumFlag.JSON) {
        corpus.add(new Seed(Arrays.copyOfRange(enc, 1, enc.length), ft, -1, 5));
      }
    }
    for (int i = 0; i < 300; i++) {
      int variant = rnd.nextInt(3);
      RowCodec codec = codecs.get(variant);
      TableInfo t = codec.table();
      Map<Long, Object> row = randomRow(rnd, gen, t);
      Map<Long, Object> row2 = randomRow(rnd, gen, t);
      if (variant == 2) {
        row.put(-1L, (long) rnd.nextInt(1000));
        row2.put(-1L, row.get(-1L));
      }
      corpus.add(new Seed(codec.encodeDeleted(row), null, variant, 4));
      corpus.add(new Seed(codec.encodeUpdated(row, row2), null, variant, 3));
      Map<Long, Object> ins = new LinkedHashMap<>(row);
      ins.remove(-1L);
      Handle h =
          variant == 1
              ? new Handle.CommonHandle(
                  List.of(
                      ins.get(1L) == null ? 0L : ins.get(1L),
                      ins.get(2L) == null ? "" : ins.get(2L)))
              : new Handle.IntHandle(rnd.nextLong());
      corpus.add(new Seed(codec.encodeInserted(h, ins), null, variant, 2));
    }
    return corpus;
  }

  private static Map<Long, Object> randomRow(Random rnd, RandomValues gen, TableInfo t) {
    Map<Long, Object> row = new LinkedHashMap<>();
    for (ColumnInfo c : t.cols()) {
      if (rnd.nextInt(4) != 0) {
        row.put(c.id(), gen.valueFor(c.type()));
      }
    }
    return row;
  }

  private static byte[] mutate(Random rnd, byte[] src) {
    byte[] b = src.clone();
    int rounds = 1 + rnd.nextInt(3);
    for (int r = 0; r < rounds; r++) {
      if (b.length == 0) {
        return randomBytes(rnd);
      }
      int pos = rnd.nextInt(b.length);
      switch (rnd.nextInt(7)) {
        case 0 -> b[pos] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> b[pos] = (byte) new int[] {0, 0xFF, 0x80, 0x7F, 0x01}[rnd.nextInt(5)];
        case 2 -> b = Arrays.copyOf(b, pos);
        case 3 -> b[pos] = (byte) rnd.nextInt(256);
        case 4 -> {
          // Splice in a huge varint (a length or count far past the end).
          byte[] big = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
          byte[] out = new byte[b.length + big.length];
          System.arraycopy(b, 0, out, 0, pos);
          System.arraycopy(big, 0, out, pos, big.length);
          System.arraycopy(b, pos, out, pos + big.length, b.length - pos);
          b = out;
        }
        case 5 -> {
          // Huge little-endian u32 (JSON counts/sizes/offsets).
          for (int k = 0; k < 4 && pos + k < b.length; k++) {
            b[pos + k] = (byte) (k == 3 ? 0x7F : 0xFF);
          }
        }
        default -> {
          byte[] extra = new byte[1 + rnd.nextInt(8)];
          rnd.nextBytes(extra);
          byte[] out = Arrays.copyOf(b, b.length + extra.length);
          System.arraycopy(extra, 0, out, b.length, extra.length);
          b = out;
        }
      }
    }
    return b;
  }
}
