package io.kafkabinlog.common.registry;

/** The kinds of node the original registry knows, with their key folder names. */
public enum NodeKind {
  PUMP("pumps"),
  DRAINER("drainers");

  private final String folder;

  NodeKind(final String folder) {
    this.folder = folder;
  }

  /** The folder under {@code /tidb-binlog/v1/}: {@code pumps} or {@code drainers}. */
  public String folder() {
    return folder;
  }
}
