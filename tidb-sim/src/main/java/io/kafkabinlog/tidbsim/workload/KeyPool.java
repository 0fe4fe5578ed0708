package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The keys of rows a workload believes exist, so it can pick rows to update and delete. Shared by
 * sessions; a picked key may be gone by the time its transaction locks it (then the session skips).
 */
final class KeyPool {
  private final List<SimRow> keys = new ArrayList<>();

  synchronized void add(final SimRow key) {
    keys.add(key);
  }

  /** A random key, left in the pool. */
  synchronized Optional<SimRow> pick(final Random random) {
    return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(random.nextInt(keys.size())));
  }

  /** A random key, removed from the pool (the caller deletes or re-keys the row). */
  synchronized Optional<SimRow> take(final Random random) {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    int i = random.nextInt(keys.size());
    SimRow key = keys.get(i);
    keys.set(i, keys.get(keys.size() - 1));
    keys.remove(keys.size() - 1);
    return Optional.of(key);
  }

  synchronized int size() {
    return keys.size();
  }
}
