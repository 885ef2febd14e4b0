package io.pgvault.fleet;

/**
 * Body of {@code POST /api/unprotect}: stop protecting {@code server}. {@code keepBackups} is required: true keeps
 * its backups (the entry stays, Stopped); false deletes them, and only with {@code confirmDelete} equal to the
 * server's name — never while a backup is under an immutability policy or legal hold.
 */
public record UnprotectRequest(String server, Boolean keepBackups, String confirmDelete, String etag) {
}
