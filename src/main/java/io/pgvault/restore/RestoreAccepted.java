package io.pgvault.restore;

import io.pgvault.jobs.JobState;

/** The answer to an accepted restore: poll {@code statusUrl} until the state is terminal. */
public record RestoreAccepted(String restoreId, JobState state, String statusUrl, String server, String backupId,
        String target) {
}
