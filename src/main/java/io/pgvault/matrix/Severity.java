package io.pgvault.matrix;

/** How bad a {@link Violation} is. */
public enum Severity {
    /** The operation is refused. */
    ERROR,
    /** The operation runs, but outside what the matrix calls generally available. */
    WARNING,
    /**
     * Information only: the operation is pgvault's extension beyond the matrix (e.g. a restore into a server). Never
     * refuses and is not a warning.
     */
    NOTE
}
