package io.pgvault.matrix;

/**
 * A database left out of the backup, and why. Not a violation: the matrix itself says these are not backed up.
 *
 * @param database database name
 * @param owner    owning role (may be null if unknown)
 * @param reason   human-readable reason, e.g. {@code "template database"}
 */
public record Exclusion(String database, String owner, String reason) {
}
