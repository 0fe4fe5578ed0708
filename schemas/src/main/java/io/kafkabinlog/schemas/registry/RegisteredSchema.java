package io.kafkabinlog.schemas.registry;

import org.apache.avro.Schema;

/** One version of a subject: {@code GET /subjects/{subject}/versions/{version}}. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
