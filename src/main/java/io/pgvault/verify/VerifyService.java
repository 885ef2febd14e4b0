package io.pgvault.verify;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.catalog.BackupLookup;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;
import io.pgvault.vault.Manifest;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Proves a backup can be restored, the way pgBackRest's verify does: every file is read back from the vault
 * and its size and SHA-256 compared with the manifest; each database dump is fed (decompressed, if pgvault
 * compressed it) into {@code pg_restore --list}, which must read its table of contents; optionally each dump
 * is test-restored into a scratch database. Each verify is a job record (kind {@code verify}) with a line per
 * file; a damaged file is reported by name. The newest verify job of a backup is its verification result
 * (retention reads it), so nothing is ever written into a backup's own folder.
 *
 * <p>The steps: validate the request, resolve the backups, refuse while a verify of the server is queued or
 * running, record one queued job per backup and hand them to the {@link VerifyQueue}; {@link VerifyRun} does the
 * work.
 */
@ApplicationScoped
public class VerifyService {

    /** Name prefix of a test restore's line in the job record, before the dump's path. */
    public static final String TEST_RESTORE = "test restore of ";

    private final PgvaultConfig config;
    private final BackupLookup backups;
    private final JobStore jobs;
    private final ScratchRestore scratch;
    private final VerifyRun runs;
    private final JobWatch watch;
    private final VerifyQueue queue = new VerifyQueue();

    public VerifyService(PgvaultConfig config, BackupLookup backups, JobStore jobs, ScratchRestore scratch, VerifyRun runs,
            JobWatch watch) {
        this.config = config;
        this.backups = backups;
        this.jobs = jobs;
        this.scratch = scratch;
        this.runs = runs;
        this.watch = watch;
    }

    /** Validates the request, queues one job per backup and verifies them in the background; returns at once. */
    public VerifyAccepted start(VerifyRequest request) {
        VerifyRequest r = request == null ? new VerifyRequest(null, null, null) : request;
        String server = backups.server(r.server());
        boolean testRestore = testRestore(r.testRestore(), server);
        // a verify has always accepted an id with white space around it (it only reads the backup)
        List<Manifest> manifests = backups.backups(server, r.backupId() == null ? null : r.backupId().strip(), true);
        // one verify per server at a time (each re-reads whole backups): its job records say whether one runs
        List<JobRecord> queued = queue.underServerLock(server, () -> {
            refuseWhileAnotherRuns(server);
            return enqueue(server, manifests, testRestore);
        });
        List<VerifyAccepted.Job> out = queued.stream()
                .map(j -> new VerifyAccepted.Job(j.id(), j.backupId(), statusUrl(j))).toList();
        return new VerifyAccepted(out.get(0).verifyId(), JobRecord.QUEUED, out.get(0).statusUrl(), server, out);
    }

    /** Records one queued job per backup and hands the batch to the runner, or refuses when its queue is full. */
    private List<JobRecord> enqueue(String server, List<Manifest> manifests, boolean testRestore) {
        queue.checkRoom();
        List<JobRecord> queued = new ArrayList<>();
        for (Manifest m : manifests) {
            queued.add(jobs.start("verify-" + UUID.randomUUID(), JobRecord.KIND_VERIFY, server, JobRecord.QUEUED,
                    m.backupId(), testRestore ? "test restore into " + scratch.name().orElse("") : null));
        }
        try {
            queue.submit(JobContext.wrap(() -> {
                for (int i = 0; i < queued.size(); i++) {
                    try (JobContext.Scope job = JobContext.job(server, queued.get(i).id())) {
                        runs.run(queued.get(i), manifests.get(i), testRestore);
                    }
                }
            }));
        } catch (PgvaultException full) {
            if (full.kind() != ErrorKind.CONFLICT) {
                throw full;
            }
            queued.forEach(j -> runs.failQuietly(j, full));
            throw full;
        }
        return queued;
    }

    /** Refuses when a verify of the server is queued or running anywhere, as its job records show. */
    private void refuseWhileAnotherRuns(String server) {
        List<String> running = jobs.list(server).stream()
                .filter(j -> JobRecord.KIND_VERIFY.equals(j.kind()))
                .map(watch::seen) // a verify whose runner vanished does not count
                .filter(j -> !j.terminal()).map(j -> j.id() + " (" + j.state() + ", backup " + j.backupId() + ")")
                .toList();
        if (!running.isEmpty()) {
            throw new PgvaultException(ErrorKind.CONFLICT, "A verify of server " + server + " is already queued or running.",
                    String.join(", ", running), "Wait for it to end (GET /api/verifyStatus?server=" + server
                            + "&id=… or GET /api/jobs), then verify again; one verify per server runs at a time.");
        }
    }

    /** The status of a verify job; one whose runner vanished is reported Interrupted, never Succeeded. */
    public JobRecord status(String server, String verifyId) {
        JobRecord job = jobs.get(backups.server(server), verifyId);
        if (!JobRecord.KIND_VERIFY.equals(job.kind())) {
            throw new PgvaultException(ErrorKind.NOT_FOUND, "Job " + verifyId + " is not a verify job.", "kind: " + job.kind(),
                    "Use the verifyId returned by POST /api/verify, or GET /api/jobs for every job.");
        }
        return watch.seen(job);
    }

    /** Waits until every job ended (the CLI's way); bounded by {@code timeout}. */
    public List<JobRecord> await(String server, List<String> ids, Duration timeout) throws InterruptedException {
        return watch.awaitEnd(ids.stream().<Supplier<JobRecord>>map(id -> () -> status(server, id)).toList(), timeout);
    }

    /** The newest finished verify of a backup, if it was ever verified: its verification result. */
    public Optional<JobRecord> lastResult(String server, String backupId) {
        return jobs.list(server).stream()
                .filter(j -> JobRecord.KIND_VERIFY.equals(j.kind()) && backupId.equals(j.backupId()))
                .filter(j -> JobRecord.SUCCEEDED.equals(j.state()) || JobRecord.FAILED.equals(j.state()))
                .max(Comparator.comparing((JobRecord j) -> j.endedAt() == null ? Instant.EPOCH : j.endedAt())
                        .thenComparing(j -> j.startedAt() == null ? Instant.EPOCH : j.startedAt()));
    }

    private boolean testRestore(Boolean requested, String server) {
        // The scratch database is on the settings server: another server's dumps are never restored into it.
        boolean own = server.equals(backups.server(null));
        if (requested == null) {
            return own && scratch.name().isPresent();
        }
        if (requested && !own) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "A test restore of server " + server + " was asked "
                    + "for, but test restores run only on the settings server.", "testRestore: true; server " + server
                    + " is not PGVAULT_SERVER_NAME=" + backups.server(null), "Verify without testRestore: every file is "
                            + "still read back, its SHA-256 checked and its dump listed with pg_restore --list.");
        }
        if (requested && scratch.name().isEmpty()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "A test restore was asked for, but no scratch database is configured.",
                    "testRestore: true; PGVAULT_VERIFY_SCRATCH_DATABASE is empty",
                    "Set PGVAULT_VERIFY_SCRATCH_DATABASE to the name of a database pgvault may create and drop "
                            + "(e.g. pgvault_verify_scratch), or verify without testRestore.");
        }
        return requested;
    }

    private static String statusUrl(JobRecord job) {
        return "/api/verifyStatus?server=" + job.server() + "&id=" + job.id();
    }
}
