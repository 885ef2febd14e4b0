package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public record ToolFacts(String pgDumpVersion, int pgDumpMajor) { }
