package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record ByteaFacts(String database, String schema, String table, String column, long maxValueBytes) { }
