package io.pgvault.verify;

/**
 * A request to verify backups. {@code backupId} is an id, {@code "latest"} (the default) or {@code "all"};
 * {@code server} defaults to the configured server; {@code testRestore} asks for a test restore into the
 * configured scratch database (default: on exactly when one is configured).
 */
public record VerifyRequest(String server, String backupId, Boolean testRestore) {
}
