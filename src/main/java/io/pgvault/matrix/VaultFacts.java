package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record VaultFacts(String accessTier, Placement placement) { }
