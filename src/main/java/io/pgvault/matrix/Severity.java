package io.pgvault.matrix;

/** Placeholder until the matrix branch lands. */
public enum Severity { ERROR, WARNING }
