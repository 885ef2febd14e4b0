package io.pgvault.restore;

/** The answer to an accepted restore: poll {@code statusUrl} until the state is terminal. */
public record RestoreAccepted(String restoreId, String state, String statusUrl, String server, String backupId,
        String target) {
}
