package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record Exclusion(String database, String owner, String reason) { }
