package io.pgvault.verify;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

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

    public static final String LATEST = "latest";
    public static final String ALL = "all";
    /** Name prefix of a test restore's line in the job record, before the dump's path. */
    public static final String TEST_RESTORE = "test restore of ";
    /** A non-terminal verify whose record was not touched for this long has lost its runner. */
    static final Duration STALE = Duration.ofMinutes(30);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final JobStore jobs;
    private final ScratchRestore scratch;
    private final VerifyRun runs;
    private final VerifyQueue queue = new VerifyQueue();

    public VerifyService(PgvaultConfig config, VaultStore vault, JobStore jobs, ScratchRestore scratch, VerifyRun runs) {
        this.config = config;
        this.vault = vault;
        this.jobs = jobs;
        this.scratch = scratch;
        this.runs = runs;
    }

    /** Validates the request, queues one job per backup and verifies them in the background; returns at once. */
    public VerifyAccepted start(VerifyRequest request) {
        VerifyRequest r = request == null ? new VerifyRequest(null, null, null) : request;
        String server = server(r.server());
        boolean testRestore = testRestore(r.testRestore(), server);
        List<Manifest> manifests = resolve(server, r.backupId());
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
            queue.submit(() -> {
                for (int i = 0; i < queued.size(); i++) {
                    runs.run(queued.get(i), manifests.get(i), testRestore);
                }
            });
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
                .map(this::interruptedIfStale) // a verify whose runner vanished does not count
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
        JobRecord job = jobs.get(server(server), verifyId);
        if (!JobRecord.KIND_VERIFY.equals(job.kind())) {
            throw new PgvaultException(ErrorKind.NOT_FOUND, "Job " + verifyId + " is not a verify job.", "kind: " + job.kind(),
                    "Use the verifyId returned by POST /api/verify, or GET /api/jobs for every job.");
        }
        return interruptedIfStale(job);
    }

    private JobRecord interruptedIfStale(JobRecord job) {
        // job records carry wall-clock times (JobStore), whatever the Clock bean says
        return JobWatch.interruptedIfStale(job, Instant.now(), STALE, "its process", "Start the verify again.");
    }

    /** Waits until every job ended (the CLI's way); bounded by {@code timeout}. */
    public List<JobRecord> await(String server, List<String> ids, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        List<JobRecord> out = new ArrayList<>();
        for (String id : ids) {
            out.add(JobWatch.awaitEnd(() -> status(server, id), end, Duration.ofMillis(300), Instant::now));
        }
        return out;
    }

    /** The newest finished verify of a backup, if it was ever verified: its verification result. */
    public Optional<JobRecord> lastResult(String server, String backupId) {
        return jobs.list(server).stream()
                .filter(j -> JobRecord.KIND_VERIFY.equals(j.kind()) && backupId.equals(j.backupId()))
                .filter(j -> JobRecord.SUCCEEDED.equals(j.state()) || JobRecord.FAILED.equals(j.state()))
                .max(Comparator.comparing((JobRecord j) -> j.endedAt() == null ? Instant.EPOCH : j.endedAt())
                        .thenComparing(j -> j.startedAt() == null ? Instant.EPOCH : j.startedAt()));
    }

    private String server(String server) {
        return BackupLayout.checkServer(server == null || server.isBlank() ? config.serverName() : server);
    }

    private boolean testRestore(Boolean requested, String server) {
        // The scratch database is on the settings server: another server's dumps are never restored into it.
        boolean own = server.equals(config.serverName());
        if (requested == null) {
            return own && scratch.name().isPresent();
        }
        if (requested && !own) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "A test restore of server " + server + " was asked "
                    + "for, but test restores run only on the settings server.", "testRestore: true; server " + server
                    + " is not PGVAULT_SERVER_NAME=" + config.serverName(), "Verify without testRestore: every file is "
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

    /** The backups a request names, newest first. */
    List<Manifest> resolve(String server, String backupId) {
        String which = backupId == null || backupId.isBlank() ? LATEST : backupId.trim();
        if (LATEST.equalsIgnoreCase(which) || ALL.equalsIgnoreCase(which)) {
            List<Manifest> catalog = vault.catalog(server);
            if (catalog.isEmpty()) {
                throw new PgvaultException(ErrorKind.NOT_FOUND, "Server " + server + " has no committed backup in the vault.",
                        "container " + config.vault().container() + ", prefix " + server + "/",
                        "Check the server name (bin/pgvault list --server ...), or run a backup first.");
            }
            return LATEST.equalsIgnoreCase(which) ? List.of(catalog.get(0)) : catalog;
        }
        return List.of(vault.manifest(server, BackupLayout.checkBackupId(which)).orElseThrow(() -> new PgvaultException(ErrorKind.NOT_FOUND, 
                "Backup " + which + " of server " + server + " does not exist (no manifest).",
                "looked for " + BackupLayout.manifestPath(server, which),
                "Pick an id from the catalog (bin/pgvault list), or use \"latest\" or \"all\".")));
    }

    private static String statusUrl(JobRecord job) {
        return "/api/verifyStatus?server=" + job.server() + "&id=" + job.id();
    }
}
