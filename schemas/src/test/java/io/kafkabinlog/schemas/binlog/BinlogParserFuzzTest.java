package io.kafkabinlog.schemas.binlog;

import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 mutated or random payloads through {@link BinlogParser}: each must either parse or throw
 * {@link MalformedBinlogException}, nothing else, in bounded time and memory.
 */
class BinlogParserFuzzTest {
  private static final long SEED = 0x7D8B_1A5E_2026_0003L;
  private static final int ITERATIONS = 100_000;
  private static final int MAX_PAYLOAD = 4096;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void onlyMalformedBinlogExceptionComesOut() {
    SplittableRandom random = new SplittableRandom(SEED);
    BinlogParser parser = new BinlogParser(MAX_PAYLOAD);
    List<byte[]> seeds = seeds();
    int parsed = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      boolean asPrewriteValue = random.nextInt(4) == 0;
      byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())));
      try {
        if (asPrewriteValue) {
          parser.parsePrewriteValue(input);
        } else {
          Binlog b = (i & 1) == 0 ? parser.parse(input) : parser.parse(ByteString.copyFrom(input));
          parser.prewriteValue(b);
        }
        parsed++;
      } catch (MalformedBinlogException expected) {
        // the only allowed failure
      } catch (Throwable t) {
        fail(
            String.format(
                "seed=0x%s iteration=%d asPrewriteValue=%s input=%s: %s",
                Long.toHexString(SEED), i, asPrewriteValue, HexFormat.of().formatHex(input), t),
            t);
      }
    }
    // Sanity: the mutations leave a share of inputs valid, so both paths were exercised.
    if (parsed == 0 || parsed == ITERATIONS) {
      fail(
          "seed=0x%s: degenerate run, %d of %d parsed", Long.toHexString(SEED), parsed, ITERATIONS);
    }
  }

  private static List<byte[]> seeds() {
    long ts = 449_378_383_472_705_537L;
    PrewriteValue pv =
        PrewriteValue.newBuilder()
            .setSchemaVersion(42)
            .addMutations(
                TableMutation.newBuilder()
                    .setTableId(45)
                    .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x08, 0x02}))
                    .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x04, 0x08, 0x02}))
                    .addUpdatedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x02, 0x02, 0x61}))
                    .addDeletedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x03, 0x01}))
                    .addSequence(MutationType.Insert)
                    .addSequence(MutationType.Update)
                    .addSequence(MutationType.Insert)
                    .addSequence(MutationType.DeleteRow))
            .addMutations(
                TableMutation.newBuilder()
                    .setTableId(47)
                    .addDeletedIds(300)
                    .addSequence(MutationType.DeleteID))
            .build();
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(Binlogs.prewrite(ts, ByteString.copyFromUtf8("t\u0080_r"), pv).toByteArray());
    seeds.add(Binlogs.commit(ts, ts + 64).toByteArray());
    seeds.add(Binlogs.rollback(ts).toByteArray());
    seeds.add(Binlogs.fake(ts).toByteArray());
    seeds.add(Binlogs.ddl(ts, 93, 5, "CREATE TABLE t (id INT PRIMARY KEY)").toByteArray());
    seeds.add(pv.toByteArray());
    return seeds;
  }

  private static byte[] mutate(SplittableRandom random, byte[] seed) {
    byte[] b = seed.clone();
    int rounds = 1 + random.nextInt(4);
    for (int r = 0; r < rounds; r++) {
      switch (random.nextInt(6)) {
        case 0: // bit flip
          if (b.length > 0) {
            int i = random.nextInt(b.length);
            b[i] ^= (byte) (1 << random.nextInt(8));
          }
          break;
        case 1: // truncation
          b = Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
          break;
        case 2: // insertion of random bytes (sometimes past the payload cap)
          {
            int n = random.nextInt(10) == 0 ? MAX_PAYLOAD : 1 + random.nextInt(8);
            int at = random.nextInt(b.length + 1);
            byte[] out = new byte[b.length + n];
            System.arraycopy(b, 0, out, 0, at);
            for (int k = 0; k < n; k++) {
              out[at + k] = (byte) random.nextInt(256);
            }
            System.arraycopy(b, at, out, at + n, b.length - at);
            b = out;
          }
          break;
        case 3: // overwrite a byte with a "length-ish" value
          if (b.length > 0) {
            b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? 0xFF : 0x7F);
          }
          break;
        case 4: // entirely random bytes
          b = new byte[random.nextInt(64)];
          for (int k = 0; k < b.length; k++) {
            b[k] = (byte) random.nextInt(256);
          }
          break;
        default: // leave as is (keeps some valid inputs in the mix)
          break;
      }
    }
    return b;
  }
}
