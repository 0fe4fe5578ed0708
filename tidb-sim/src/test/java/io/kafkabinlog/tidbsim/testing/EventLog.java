package io.kafkabinlog.tidbsim.testing;

import java.util.ArrayList;
import java.util.List;

/** What fakes saw, in the order they saw it, shared by the fakes of one test. Thread-safe. */
public final class EventLog {
  private final List<String> events = new ArrayList<>();

  public synchronized void add(final String event) {
    events.add(event);
  }

  public synchronized List<String> all() {
    return List.copyOf(events);
  }

  /** The events since index {@code from}. */
  public synchronized List<String> since(final int from) {
    return List.copyOf(events.subList(from, events.size()));
  }

  public synchronized int size() {
    return events.size();
  }
}
