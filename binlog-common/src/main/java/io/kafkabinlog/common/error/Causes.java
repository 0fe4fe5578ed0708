package io.kafkabinlog.common.error;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Walks cause chains. One tested helper, because hand-written loops over {@code getCause()} are
 * where retry decisions go wrong (reassigned loop variables, cycles, wrappers such as {@link
 * ExecutionException} hiding the real failure).
 */
public final class Causes {
  private Causes() {}

  /** The first throwable in the chain (starting with {@code error} itself) of the given type. */
  public static <T extends Throwable> Optional<T> find(final Throwable error, final Class<T> type) {
    final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable cursor = error; cursor != null && seen.add(cursor); cursor = cursor.getCause()) {
      if (type.isInstance(cursor)) {
        return Optional.of(type.cast(cursor));
      }
    }
    return Optional.empty();
  }

  /**
   * The outermost {@link BinlogException} in the chain decides; a chain without one is not
   * retriable, because an unknown failure repeated in a loop hides the problem.
   */
  public static boolean isRetriable(final Throwable error) {
    return find(error, BinlogException.class).map(BinlogException::isRetriable).orElse(false);
  }

  /** Removes the wrappers that futures add, so that logs and handlers see the real failure. */
  public static Throwable unwrap(final Throwable error) {
    Throwable cursor = error;
    while ((cursor instanceof ExecutionException || cursor instanceof CompletionException)
        && cursor.getCause() != null
        && cursor.getCause() != cursor) {
      cursor = cursor.getCause();
    }
    return cursor;
  }

  /** The innermost throwable of the chain (cycles stop the walk), e.g. an unresolvable host. */
  public static Throwable root(final Throwable error) {
    final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable root = error;
    while (root.getCause() != null && seen.add(root)) {
      root = root.getCause();
    }
    return root;
  }
}
