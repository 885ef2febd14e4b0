package io.pgvault.matrix;

/**
 * The pg_dump that would take the backup.
 *
 * @param pgDumpVersion {@code pg_dump --version} text, e.g. {@code "16.4"}
 * @param pgDumpMajor   its major version, e.g. 16 (0 or less if it could not be determined)
 */
public record ToolFacts(String pgDumpVersion, int pgDumpMajor) {
}
