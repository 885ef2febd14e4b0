package io.pgvault.fleet;

import io.pgvault.jobs.ServerStatus;

import java.time.Instant;

/**
 * One server in the fleet view ({@code GET /api/servers}): its entry (no secret: {@code passwordRef} is a
 * reference), the week's status — {@code failed}, {@code refused}, {@code due}, {@code queued}, {@code running},
 * {@code scheduled} (slot not yet come), {@code done}, {@code paused}, {@code stopped} — the next due slot, and
 * from the server's status document its last committed backup, last job (with error and HINT), last verify and
 * registration preflight; {@code overdue} is set while the overdue watch finds its newest committed backup too old
 * (state {@code Overdue}), else null.
 */
public record ServerView(String name, boolean readOnly, ProtectionState state, String host, int port,
        String database, String user, AuthMode auth, String passwordRef, String sslmode, BackupPolicy policy,
        String etag, String week, String weekStatus, Instant nextDue, ServerStatus.BackupSummary lastBackup,
        ServerStatus.JobSummary lastJob, ServerStatus.JobSummary lastVerify, ServerStatus.Preflight preflight,
        ServerStatus.Overdue overdue) {
}
