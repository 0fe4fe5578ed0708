package io.kafkabinlog.ordering.merge;

/** Everything stage 2 reads: stage 1's messages and the pumps' control records. */
public sealed interface MergeInput permits MergeMessage, ControlMessage {}
