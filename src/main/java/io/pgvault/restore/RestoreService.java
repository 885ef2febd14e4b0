package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.catalog.BackupLookup;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;
import io.pgvault.restore.server.ServerRestoreJobs;
import io.pgvault.restore.targets.TargetChecks;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Restores a backup as files into a user's container: validate everything → answer with a restore id →
 * copy each file server-side (no backup byte passes through pgvault) → add the restore kit → check every
 * copied file against the manifest's SHA-256 → Succeeded. State lives in a job record in the vault.
 * The steps live in {@link RestoreChecks}, {@link RestoreMarker}, {@link TargetChecks} and {@link RestoreCopy}.
 */
@ApplicationScoped
public class RestoreService {

    private final BackupLookup backups;
    private final JobStore jobs;
    private final JobWatch watch;
    private final RestoreChecks checks;
    private final RestoreMarker marker;
    private final TargetChecks targetChecks;
    private final RestoreCopy copy;
    private final ServerRestoreJobs serverRestores;

    public RestoreService(BackupLookup backups, JobStore jobs, JobWatch watch, RestoreChecks checks,
            RestoreMarker marker, TargetChecks targetChecks, RestoreCopy copy, ServerRestoreJobs serverRestores) {
        this.serverRestores = serverRestores;
        this.backups = backups;
        this.jobs = jobs;
        this.watch = watch;
        this.checks = checks;
        this.marker = marker;
        this.targetChecks = targetChecks;
        this.copy = copy;
    }

    /**
     * Validates the request and starts the copy (or, with {@code targetServer}, the restore into that server) in the
     * background; returns at once.
     */
    public RestoreAccepted start(RestoreRequest request) {
        if (request != null && request.targetServer() != null && request.targetContainerUrl() != null) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "A restore needs exactly one target.",
                    "both targetContainerUrl and targetServer are given",
                    "Give targetContainerUrl (restore as files into a container) or targetServer (restore into a"
                            + " PostgreSQL server: {\"host\":…,\"port\":5432,\"user\":…,\"auth\":\"entra\"}), not both.");
        }
        if (request != null && request.targetServer() != null) {
            return serverRestores.start(request);
        }
        RestorePlan plan = checks.plan(request);                                     // 1. request, backup, kit
        String markerPath = RestoreMarker.path(plan.server(), plan.manifest().backupId(),
                plan.target().containerUrl(), plan.option());
        String restoreId = "restore-" + UUID.randomUUID();
        Optional<JobRecord> running = marker.claim(plan.server(), markerPath, restoreId); // 2. claim, or join
        if (running.isPresent()) {
            return accepted(running.get());
        }
        JobRecord job = jobs.start(restoreId, JobRecord.KIND_RESTORE, plan.server(), JobRecord.VALIDATING,
                plan.manifest().backupId(), plan.target().toString());
        try (JobContext.Scope scope = JobContext.job(plan.server(), restoreId)) {
            checkTarget(job, plan, markerPath);                                      // 3. the target
            job = job.withState(JobRecord.COPYING, watch.now());
            jobs.save(job);
            copy.start(job, plan, markerPath);                                       // 4. copy, in background
        }
        return accepted(job);
    }

    /** The status of a restore; a restore whose runner vanished is reported Interrupted, never Succeeded. */
    public JobRecord status(String server, String restoreId) {
        JobRecord job = jobs.get(backups.server(server), restoreId);
        if (!JobRecord.KIND_RESTORE.equals(job.kind())) {
            throw new PgvaultException(ErrorKind.NOT_FOUND, "Job " + restoreId + " is not a restore.", "kind: " + job.kind(),
                    "Use the restoreId the restore request returned; GET /api/jobs lists every job.");
        }
        return watch.seen(job);
    }

    /** Waits for a restore to end (the CLI's way); bounded by {@code timeout}. */
    public JobRecord await(String server, String restoreId, Duration timeout) throws InterruptedException {
        return watch.awaitEnd(() -> status(server, restoreId), timeout);
    }

    /** Checks the target; a refusal is recorded (requests that joined this one see why) and releases the marker. */
    private void checkTarget(JobRecord job, RestorePlan plan, String markerPath) {
        try {
            targetChecks.check(plan.target(), plan.prefix(), plan.failIfExists());
        } catch (PgvaultException e) {
            jobs.fail(job, JobRecord.REFUSED, e, null);
            marker.release(markerPath);
            throw e;
        } catch (RuntimeException e) {
            jobs.fail(job, JobRecord.REFUSED, new PgvaultException(ErrorKind.RESTORE_TARGET, "The target could not be checked.",
                    e.getClass().getSimpleName(), "Retry; if it fails again, look at the function's log.", e), null);
            marker.release(markerPath);
            throw e;
        }
    }

    private static RestoreAccepted accepted(JobRecord job) {
        return new RestoreAccepted(job.id(), job.state(), "/api/restoreStatus?server=" + job.server() + "&id=" + job.id(),
                job.server(), job.backupId(), job.target());
    }
}
