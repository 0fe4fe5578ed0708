package io.kafkabinlog.mysqlsink.app;

/**
 * A running mode of the sink ({@link TxnTopicSink}, {@code PartitionedSink}): {@link #run} on one
 * thread until {@link #stop} from another. Not reusable.
 */
public interface Sink {
  /**
   * Applies until {@link #stop}, then finishes what is in flight and writes its checkpoint.
   *
   * @throws RuntimeException the first failure; the caller exits and a restart resumes
   */
  void run() throws InterruptedException;

  /** Ends {@link #run} gracefully; any thread. */
  void stop();

  /** The commit_ts of the compatible checkpoint last written (or loaded); -1 before the start. */
  long checkpointTs();
}
