package io.pgvault.fanout;

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
}
