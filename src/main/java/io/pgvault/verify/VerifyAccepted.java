package io.pgvault.verify;

import io.pgvault.jobs.JobState;
import java.util.List;

/**
 * The answer to an accepted verify: one job per backup (several for {@code "all"}, newest backup first).
 * {@code verifyId} and {@code statusUrl} are the first job's, for the common case of one backup.
 */
public record VerifyAccepted(String verifyId, JobState state, String statusUrl, String server, List<Job> jobs) {

    /** One queued verify job. */
    public record Job(String verifyId, String backupId, String statusUrl) {
    }
}
