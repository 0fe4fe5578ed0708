package io.kafkabinlog.binlogctl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One in-process binlogctl run: its exit code and what it printed. */
record BinlogctlRun(int code, String out, String err) {

  /** Runs {@code first} then {@code args} (a later flag wins, as in Go). */
  static BinlogctlRun of(final List<String> first, final String... args) {
    final List<String> all = new ArrayList<>(first);
    all.addAll(List.of(args));
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final int code =
        BinlogctlMain.run(
            all,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new BinlogctlRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> lines() {
    return out.lines().toList();
  }
}
