package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record DatabaseFacts(String name, String owner, boolean allowConnections, long sizeBytes) { }
