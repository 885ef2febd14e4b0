package io.pgvault.matrix;

/** How bad a {@link Violation} is. */
public enum Severity {
    /** The operation is refused. */
    ERROR,
    /** The operation runs, but outside what the matrix calls generally available. */
    WARNING
}
