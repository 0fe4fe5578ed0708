package io.kafkabinlog.tidbsim;

import io.kafkabinlog.tidbsim.cli.TidbSimCli;

/** {@code bin/tidb-sim}: see {@link TidbSimCli}. */
public final class TidbSimMain {
  private TidbSimMain() {}

  public static void main(final String[] args) {
    System.exit(new TidbSimCli(System.out, System.err, System.getenv()).run(args));
  }
}
