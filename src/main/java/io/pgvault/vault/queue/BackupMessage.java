package io.pgvault.vault.queue;

import java.time.Instant;

/**
 * One message on the {@code pgvault-backups} queue: back up this server for this ISO week. It names the server
 * and the queued job, never a connection detail or a secret (the worker reads the entry from the registry, so a
 * server removed meanwhile is seen as such).
 *
 * @param server     the registered server's name
 * @param isoWeek    the ISO week the backup is for (one backup per server-week)
 * @param jobId      the job record created when the message was queued (what {@code backupNow} answers)
 * @param reason     {@code scheduled} (the scheduler pass) or {@code on-demand} (backupNow)
 * @param enqueuedAt when it was queued
 */
public record BackupMessage(String server, String isoWeek, String jobId, String reason, Instant enqueuedAt) {

    /** Reason of a message the scheduler queued. */
    public static final String SCHEDULED = "scheduled";
    /** Reason of a message backupNow queued. */
    public static final String ON_DEMAND = "on-demand";
    /** The job ids the enqueuer gives: a message can never name (and so overwrite) another job's record. */
    public static final java.util.regex.Pattern JOB_ID = java.util.regex.Pattern.compile("backup-queued-\\d{8}T\\d{6}Z-[0-9a-f]{6}");
    /** An ISO week such as 2026-W48. */
    public static final java.util.regex.Pattern ISO_WEEK = java.util.regex.Pattern.compile("\\d{4}-W\\d{2}");
}
