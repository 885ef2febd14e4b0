package io.pgvault.jobs;

import io.pgvault.vault.BackupLayout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small status document of one server at {@code .status/<server>.json}, updated (If-Match) as each of its
 * jobs ends, so the fleet view and retention's verification gate read one document per server instead of every job
 * record. Errors are stored rendered and redacted, as in job records.
 *
 * @param server         the server
 * @param updatedAt      last change
 * @param lastBackup     the newest committed backup (from its Succeeded job), or null
 * @param lastJob        the newest backup job, in whatever state it last reported (started or ended), or null
 * @param lastVerify     the newest ended verify, or null
 * @param verifies       the latest ended verify of each of the newest {@value #KEPT_VERIFIES} verified backups
 * @param preflight      the last registration preflight (POST /api/protect), or null
 * @param watchedSince   when the overdue watch first saw the server (a server never backed up is overdue from
 *                       this plus the allowed age), or null
 * @param overdue        set by the overdue watch while the newest committed backup is too old; null otherwise
 * @param drills         the latest ended restore drill of each of the newest {@value #KEPT_VERIFIES} drilled backups:
 *                       retention's gate treats a failed drill as a failed verify
 */
public record ServerStatus(String server, Instant updatedAt, BackupSummary lastBackup, JobSummary lastJob,
        JobSummary lastVerify, Map<String, JobSummary> verifies, Preflight preflight, Instant watchedSince,
        Overdue overdue, Map<String, JobSummary> drills) {

    /** Backups whose latest verify is kept in {@link #verifies}: enough for the gate, which asks about the newest. */
    static final int KEPT_VERIFIES = 20;

    /** A committed backup: id, times, size and how long the run took. */
    public record BackupSummary(String backupId, String jobId, Instant startedAt, Instant committedAt, long bytes,
            double durationSeconds) {
    }

    /** A job as the view shows it: its state and, if it failed, its error code and message (with the HINT). */
    public record JobSummary(String jobId, JobKind kind, String backupId, JobState state, Instant startedAt,
            Instant endedAt, String errorCode, String error) {
        /** The summary of a job record. */
        public static JobSummary of(JobRecord j) {
            return new JobSummary(j.id(), j.kind(), j.backupId(), j.state(), j.startedAt(), j.endedAt(),
                    j.error() == null ? null : j.error().code(), j.error() == null ? null : j.error().message());
        }
    }

    /**
     * Why a protected server is {@code Overdue}: its newest committed backup (or none) is older than the allowed age.
     *
     * @param since           when the watch first found it overdue
     * @param lastBackupId    the newest committed backup, or null
     * @param lastCommittedAt when that backup was committed, or null
     * @param maxAgeDays      the allowed age (pgvault.watch.overdue-days)
     */
    public record Overdue(String state, Instant since, String lastBackupId, Instant lastCommittedAt, long maxAgeDays) {
        /** The state the status surfaces show. */
        public static final String STATE = "Overdue";
    }

    /** What the matrix said when the server was registered or changed. */
    public record Preflight(Instant checkedAt, boolean allowed, boolean forced, List<String> problems) {
    }

    /** No status yet. */
    public static ServerStatus empty(String server) {
        return new ServerStatus(BackupLayout.checkServer(server), null, null, null, null, Map.of(), null, null, null,
                Map.of());
    }

    /** Records written before a field existed read as empty. */
    public ServerStatus {
        verifies = verifies == null ? Map.of() : Map.copyOf(verifies);
        drills = drills == null ? Map.of() : Map.copyOf(drills);
    }

    /** The status after {@code job} reported its state: newer facts replace older ones, older ones are ignored. */
    ServerStatus with(JobRecord job, Instant now) {
        JobSummary s = JobSummary.of(job);
        return switch (job.kind()) {
            // a committed backup ends an overdue spell at once (the watch's next pass would too)
            case BACKUP -> new ServerStatus(server, now, newerBackup(job), newer(lastJob, s), lastVerify, verifies, preflight,
                    watchedSince, job.state() == JobState.SUCCEEDED ? null : overdue, drills);
            case VERIFY -> job.terminal() && job.state() != JobState.INTERRUPTED
                    ? new ServerStatus(server, now, lastBackup, lastJob, newer(lastVerify, s), latestPer(verifies, s),
                            preflight, watchedSince, overdue, drills)
                    : this;
            case DRILL -> job.terminal() && job.state() != JobState.INTERRUPTED
                    ? new ServerStatus(server, now, lastBackup, lastJob, lastVerify, verifies, preflight, watchedSince,
                            overdue, latestPer(drills, s))
                    : this;
            case RESTORE -> this;
        };
    }

    /** The status with a new registration preflight. */
    public ServerStatus withPreflight(Preflight p, Instant now) {
        return new ServerStatus(server, now, lastBackup, lastJob, lastVerify, verifies, p, watchedSince, overdue,
                drills);
    }

    /** The status as the overdue watch left it: first seen (kept once set) and overdue or not. */
    public ServerStatus withWatch(Instant seen, Overdue o, Instant now) {
        return new ServerStatus(server, now, lastBackup, lastJob, lastVerify, verifies, preflight,
                watchedSince == null ? seen : watchedSince, o, drills);
    }

    /** The latest ended verify of a backup, if one is kept here. */
    public java.util.Optional<JobSummary> verifyOf(String backupId) {
        return java.util.Optional.ofNullable(verifies.get(backupId));
    }

    private BackupSummary newerBackup(JobRecord job) {
        if (job.state() != JobState.SUCCEEDED || job.backupId() == null
                || (lastBackup != null && lastBackup.backupId().compareTo(job.backupId()) > 0)) {
            return lastBackup;
        }
        Instant end = job.endedAt() == null ? job.updatedAt() : job.endedAt();
        double seconds = job.startedAt() == null ? 0 : Duration.between(job.startedAt(), end).toMillis() / 1000.0;
        return new BackupSummary(job.backupId(), job.id(), job.startedAt(), end, job.bytes(), seconds);
    }

    private static JobSummary newer(JobSummary old, JobSummary s) {
        if (old == null || old.jobId().equals(s.jobId()) || old.startedAt() == null) {
            return s;
        }
        return s.startedAt() != null && s.startedAt().isBefore(old.startedAt()) ? old : s;
    }

    /** The latest ended drill of a backup, if one is kept here. */
    public java.util.Optional<JobSummary> drillOf(String backupId) {
        return java.util.Optional.ofNullable(drills.get(backupId));
    }

    private static Map<String, JobSummary> latestPer(Map<String, JobSummary> byBackup, JobSummary s) {
        if (s.backupId() == null) {
            return byBackup;
        }
        TreeMap<String, JobSummary> m = new TreeMap<>(byBackup);
        m.merge(s.backupId(), s, (a, b) -> a.endedAt() != null && b.endedAt() != null && a.endedAt().isAfter(b.endedAt()) ? a : b);
        while (m.size() > KEPT_VERIFIES) {
            m.pollFirstEntry(); // backup ids sort by time: drop the oldest backup's
        }
        return m;
    }
}
