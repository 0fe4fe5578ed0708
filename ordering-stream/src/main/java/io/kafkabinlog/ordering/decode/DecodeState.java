package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Stage 3's single state entry.
 *
 * @param initialLoaded the whole DDL history has been loaded once
 * @param schemaVersion the newest schema version applied
 * @param lastMarkerTs the resolved ts of the last markers published (0: none yet)
 * @param publishedSinceMarker a transaction was published after those markers
 */
record DecodeState(
    @JsonProperty("initial_loaded") boolean initialLoaded,
    @JsonProperty("schema_version") long schemaVersion,
    @JsonProperty("last_marker_ts") long lastMarkerTs,
    @JsonProperty("published_since_marker") boolean publishedSinceMarker) {

  static final DecodeState EMPTY = new DecodeState(false, 0, 0, false);

  DecodeState loaded() {
    return new DecodeState(true, schemaVersion, lastMarkerTs, publishedSinceMarker);
  }

  DecodeState withSchemaVersion(final long version) {
    return new DecodeState(
        initialLoaded, Math.max(schemaVersion, version), lastMarkerTs, publishedSinceMarker);
  }

  DecodeState published() {
    return new DecodeState(initialLoaded, schemaVersion, lastMarkerTs, true);
  }

  DecodeState marker(final long ts) {
    return new DecodeState(initialLoaded, schemaVersion, ts, false);
  }
}
