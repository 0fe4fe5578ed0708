package io.kafkabinlog.pump.it;

import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads every record of a tidb-sim data directory's {@value TxnOutcomeLog#FILE}: start_ts (8),
 * commit_ts (8), CRC-32C of those 16 bytes (4), big-endian; a torn tail is ignored.
 */
final class TxnOutcomes {
  private TxnOutcomes() {}

  static List<TxnOutcome> readAll(final Path dataDir) throws IOException {
    final ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(dataDir.resolve(TxnOutcomeLog.FILE)));
    final List<TxnOutcome> outcomes = new ArrayList<>();
    while (in.remaining() >= TxnOutcomeLog.RECORD_SIZE) {
      final byte[] body = new byte[16];
      in.get(body);
      final int crc = in.getInt();
      final CRC32C check = new CRC32C();
      check.update(body);
      if ((int) check.getValue() != crc) {
        break;
      }
      final ByteBuffer fields = ByteBuffer.wrap(body);
      outcomes.add(new TxnOutcome(fields.getLong(), fields.getLong()));
    }
    return outcomes;
  }
}
