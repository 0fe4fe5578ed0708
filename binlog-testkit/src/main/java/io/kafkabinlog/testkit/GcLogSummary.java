package io.kafkabinlog.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap figures of a child JVM's {@code -Xlog:gc:file=...} log: the largest heap use seen before
 * a collection, the largest live heap after one, and the largest committed heap, in MiB. How the
 * tests that push 1 GiB through a process show that it stayed within its {@code -Xmx}.
 *
 * @param maxUsedBeforeMib largest heap in use when a collection started
 * @param maxLiveAfterMib largest heap still in use after a collection
 * @param maxCommittedMib largest heap the JVM had committed
 * @param collections number of collections logged
 */
public record GcLogSummary(
    long maxUsedBeforeMib, long maxLiveAfterMib, long maxCommittedMib, int collections) {
  private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  /** Reads a unified-logging GC log ({@code -Xlog:gc}). */
  public static GcLogSummary read(final Path gcLog) throws IOException {
    long before = 0;
    long after = 0;
    long committed = 0;
    int collections = 0;
    for (String line : Files.readAllLines(gcLog)) {
      final Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        collections++;
        before = Math.max(before, Long.parseLong(m.group(1)));
        after = Math.max(after, Long.parseLong(m.group(2)));
        committed = Math.max(committed, Long.parseLong(m.group(3)));
      }
    }
    return new GcLogSummary(before, after, committed, collections);
  }

  /** One line for the test output. */
  public String describe(final String process, final String xmx) {
    return String.format(
        "%s heap (%s): peak %d MiB used before a GC, peak %d MiB live after one, committed up to"
            + " %d MiB, %d collections",
        process, xmx, maxUsedBeforeMib, maxLiveAfterMib, maxCommittedMib, collections);
  }
}
