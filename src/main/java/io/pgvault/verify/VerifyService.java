package io.pgvault.verify;

import com.azure.storage.blob.models.BlobStorageException;
import com.github.luben.zstd.ZstdInputStream;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ConfigurationException;
import io.pgvault.errors.ConflictException;
import io.pgvault.errors.IntegrityException;
import io.pgvault.errors.InvalidRequestException;
import io.pgvault.errors.NotFoundException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.errors.VaultUnavailableException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Proves a backup can be restored, the way pgBackRest's verify does: every file is read back from the vault
 * and its size and SHA-256 compared with the manifest; each database dump is fed (decompressed, if pgvault
 * compressed it) into {@code pg_restore --list}, which must read its table of contents; optionally each dump
 * is test-restored into a scratch database. Each verify is a job record (kind {@code verify}) with a line per
 * file; a damaged file is reported by name. The newest verify job of a backup is its verification result
 * (retention reads it), so nothing is ever written into a backup's own folder.
 */
@ApplicationScoped
public class VerifyService {

    private static final Logger LOG = Logger.getLogger(VerifyService.class);
    public static final String LATEST = "latest";
    public static final String ALL = "all";
    /** Name prefix of a test restore's line in the job record, before the dump's path. */
    public static final String TEST_RESTORE = "test restore of ";
    /** A non-terminal verify whose record was not touched for this long has lost its runner. */
    static final Duration STALE = Duration.ofMinutes(30);
    private static final Duration PG_RESTORE_TIMEOUT = Duration.ofHours(12);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final JobStore jobs;
    private final PgTools tools;
    private final ScratchRestore scratch;
    /** Most servers whose verifies may wait in this process at once (each server has at most one batch). */
    static final int MAX_QUEUED_SERVERS = 16;
    /** One lock per server, so that two requests cannot both find no verify running and both queue one. */
    private final Map<String, Object> serverLocks = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_SERVERS), r -> {
                Thread t = new Thread(r, "pgvault-verify");
                t.setDaemon(true);
                return t;
            });

    public VerifyService(PgvaultConfig config, VaultStore vault, JobStore jobs, PgTools tools, ScratchRestore scratch) {
        this.config = config;
        this.vault = vault;
        this.jobs = jobs;
        this.tools = tools;
        this.scratch = scratch;
    }

    /** Validates the request, queues one job per backup and verifies them in the background; returns at once. */
    public VerifyAccepted start(VerifyRequest request) {
        VerifyRequest r = request == null ? new VerifyRequest(null, null, null) : request;
        String server = server(r.server());
        boolean testRestore = testRestore(r.testRestore());
        List<Manifest> manifests = resolve(server, r.backupId());
        List<JobRecord> queued;
        // one verify per server at a time (each re-reads whole backups): its job records say whether one runs
        synchronized (serverLocks.computeIfAbsent(server, k -> new Object())) {
            refuseWhileAnotherRuns(server);
            queued = queue(server, manifests, testRestore);
        }
        List<VerifyAccepted.Job> out = queued.stream()
                .map(j -> new VerifyAccepted.Job(j.id(), j.backupId(), statusUrl(j))).toList();
        return new VerifyAccepted(out.get(0).verifyId(), JobRecord.QUEUED, out.get(0).statusUrl(), server, out);
    }

    /** Records one queued job per backup and hands the batch to the runner, or refuses when its queue is full. */
    private List<JobRecord> queue(String server, List<Manifest> manifests, boolean testRestore) {
        if (runner.getQueue().remainingCapacity() == 0) {
            throw new ConflictException("Too many verifies are waiting in this instance.",
                    MAX_QUEUED_SERVERS + " server(s) have a verify queued",
                    "Wait for the queued verifies to end (GET /api/jobs), then ask again.");
        }
        List<JobRecord> queued = new ArrayList<>();
        for (Manifest m : manifests) {
            queued.add(jobs.start("verify-" + UUID.randomUUID(), JobRecord.KIND_VERIFY, server, JobRecord.QUEUED,
                    m.backupId(), testRestore ? "test restore into " + scratch.name().orElse("") : null));
        }
        try {
            runner.execute(() -> {
                for (int i = 0; i < queued.size(); i++) {
                    run(queued.get(i), manifests.get(i), testRestore);
                }
            });
        } catch (RejectedExecutionException e) {
            ConflictException full = new ConflictException("Too many verifies are waiting in this instance.",
                    MAX_QUEUED_SERVERS + " server(s) have a verify queued",
                    "Wait for the queued verifies to end (GET /api/jobs), then ask again.");
            queued.forEach(j -> failQuietly(j, full));
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
            throw alreadyRunning(server, String.join(", ", running));
        }
    }

    private static ConflictException alreadyRunning(String server, String evidence) {
        return new ConflictException("A verify of server " + server + " is already queued or running.", evidence,
                "Wait for it to end (GET /api/verifyStatus?server=" + server + "&id=… or GET /api/jobs), then verify "
                        + "again; one verify per server runs at a time.");
    }

    /** The status of a verify job; one whose runner vanished is reported Interrupted, never Succeeded. */
    public JobRecord status(String server, String verifyId) {
        JobRecord job = jobs.get(server(server), verifyId);
        if (!JobRecord.KIND_VERIFY.equals(job.kind())) {
            throw new NotFoundException("Job " + verifyId + " is not a verify job.", "kind: " + job.kind(),
                    "Use the verifyId returned by POST /api/verify, or GET /api/jobs for every job.");
        }
        return interruptedIfStale(job);
    }

    private JobRecord interruptedIfStale(JobRecord job) {
        Instant now = Instant.now(); // job records carry wall-clock times (JobStore), whatever the Clock bean says
        if (!job.terminal() && job.updatedAt() != null && job.updatedAt().isBefore(now.minus(STALE))) {
            return job.failed(JobRecord.INTERRUPTED, new JobRecord.Failure("interrupted",
                    "The verify stopped making progress at " + job.updatedAt() + " (its process ended)."
                            + "\nHINT: Start the verify again."), null, now);
        }
        return job;
    }

    /** Waits until every job ended (the CLI's way); bounded by {@code timeout}. */
    public List<JobRecord> await(String server, List<String> ids, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        List<JobRecord> out = new ArrayList<>();
        for (String id : ids) {
            JobRecord job = status(server, id);
            while (!job.terminal() && Instant.now().isBefore(end)) {
                Thread.sleep(300);
                job = status(server, id);
            }
            out.add(job);
        }
        return out;
    }

    /**
     * The newest finished verify of a backup, if it was ever verified: its verification result.
     */
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

    private boolean testRestore(Boolean requested) {
        if (requested == null) {
            return scratch.name().isPresent();
        }
        if (requested && scratch.name().isEmpty()) {
            throw new InvalidRequestException("A test restore was asked for, but no scratch database is configured.",
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
                throw new NotFoundException("Server " + server + " has no committed backup in the vault.",
                        "container " + config.vault().container() + ", prefix " + server + "/",
                        "Check the server name (bin/pgvault list --server ...), or run a backup first.");
            }
            return LATEST.equalsIgnoreCase(which) ? List.of(catalog.get(0)) : catalog;
        }
        return List.of(vault.manifest(server, BackupLayout.checkBackupId(which)).orElseThrow(() -> new NotFoundException(
                "Backup " + which + " of server " + server + " does not exist (no manifest).",
                "looked for " + BackupLayout.manifestPath(server, which),
                "Pick an id from the catalog (bin/pgvault list), or use \"latest\" or \"all\".")));
    }

    /** Verifies one backup now and records the result in its job. Never throws. */
    JobRecord run(JobRecord queued, Manifest manifest, boolean testRestore) {
        JobRecord job = queued.withState(JobRecord.RUNNING, Instant.now());
        try {
            jobs.save(job);
            if (manifest.formatVersion() > Manifest.FORMAT_VERSION) {
                throw new ConfigurationException("Backup " + manifest.backupId() + " was written by a newer pgvault.",
                        "manifest formatVersion " + manifest.formatVersion() + ", this pgvault reads up to "
                                + Manifest.FORMAT_VERSION, "Verify it with the pgvault version that wrote it ("
                                + manifest.pgvaultVersion() + ") or newer.");
            }
            String prefix = BackupLayout.backupPrefix(manifest.server(), manifest.backupId());
            List<JobRecord.Progress> progress = new ArrayList<>();
            List<String> damaged = new ArrayList<>();
            long bytes = 0;
            for (Manifest.File f : manifest.files()) {
                long t0 = System.nanoTime();
                FileCheck check = checkFile(prefix, f);
                bytes += check.bytes();
                double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
                progress.add(new JobRecord.Progress(f.path(), check.ok() ? JobRecord.SUCCEEDED : JobRecord.FAILED,
                        check.bytes(), Math.round(check.bytes() / 1e6 / secs * 10) / 10.0));
                if (!check.ok()) {
                    damaged.add(f.path() + ": " + check.problem());
                    LOG.warnf("verify %s: %s is damaged: %s", manifest.backupId(), f.path(), check.problem());
                }
                job = job.withProgress(bytes, progress.size(), manifest.files().size(), progress, Instant.now());
                jobs.save(job);
            }
            if (damaged.isEmpty() && testRestore) {
                for (Manifest.File f : manifest.databaseFiles()) {
                    long t0 = System.nanoTime();
                    ScratchRestore.Outcome restored = scratch.restore(prefix, f);
                    progress.add(testRestoreLine(f, restored, (System.nanoTime() - t0) / 1e9));
                    if (!restored.ok()) {
                        damaged.add(f.path() + ": test restore failed: " + restored.problem());
                    }
                    int files = manifest.files().size();
                    job = job.withProgress(bytes, files, files, progress, Instant.now());
                    jobs.save(job);
                }
            }
            if (!damaged.isEmpty()) {
                throw new IntegrityException("Backup " + manifest.backupId() + " of server " + manifest.server()
                        + " failed verification: " + damaged.size() + " of " + manifest.files().size()
                        + " file(s) damaged.", String.join("\n", damaged),
                        "Do not rely on this backup: restore an older one that verifies, find out what changed the vault "
                                + "(storage logs, immutability settings), and take a new backup.");
            }
            job = job.withState(JobRecord.SUCCEEDED, Instant.now());
            jobs.save(job);
            LOG.infof("verify %s of backup %s: %d file(s), %d bytes, all good%s", job.id(), manifest.backupId(),
                    manifest.files().size(), bytes, testRestore ? ", test restore passed" : "");
            return job;
        } catch (PgvaultException e) {
            return failQuietly(job, e);
        } catch (RuntimeException e) {
            LOG.errorf("verify %s failed: %s", job.id(), Redactor.redact(String.valueOf(e)));
            return failQuietly(job, new VaultUnavailableException("The verify of backup " + manifest.backupId()
                    + " stopped unexpectedly.", e.getClass().getSimpleName() + ": " + e.getMessage(),
                    "Run the verify again; if it fails the same way, look at the log.", e));
        }
    }

    /** The job record's line of one test restore: what it put into the scratch database, or that it failed. */
    private JobRecord.Progress testRestoreLine(Manifest.File f, ScratchRestore.Outcome restored, double seconds) {
        return new JobRecord.Progress(TEST_RESTORE + f.path(), restored.ok() ? JobRecord.SUCCEEDED : JobRecord.FAILED,
                f.bytes(), Math.round(f.bytes() / 1e6 / Math.max(1e-3, seconds) * 10) / 10.0, restored.ok()
                        ? "restored " + restored.tables() + " table(s) with " + restored.rows() + " row(s) into "
                                + scratch.name().orElse("") + ", then dropped it"
                        : null);
    }

    private JobRecord failQuietly(JobRecord job, PgvaultException e) {
        try {
            return jobs.fail(job, JobRecord.FAILED, e, null);
        } catch (RuntimeException saveFailed) {
            LOG.errorf("Could not record the failure of %s: %s", job.id(), saveFailed.getMessage());
            return job.failed(JobRecord.FAILED, new JobRecord.Failure(e.code(), e.render()), null, Instant.now());
        }
    }

    /** What reading one file back found. */
    record FileCheck(long bytes, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    /** Reads a file back once: size and SHA-256 always, and the dump's TOC through pg_restore for databases. */
    FileCheck checkFile(String prefix, Manifest.File f) {
        var blob = vault.blob(prefix + f.path());
        List<String> problems = new ArrayList<>();
        Hashing in;
        try {
            in = new Hashing(blob.openInputStream());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return new FileCheck(0, "missing from the vault");
            }
            throw unavailable(prefix + f.path(), e);
        }
        try (in) {
            if (Manifest.File.KIND_DATABASE.equals(f.kind())) {
                PgRestoreFeed.Result toc = PgRestoreFeed.run(
                        tools.command(config.pg().database(), "pg_restore", List.of("--list")),
                        decompressed(in, f.compression()), PG_RESTORE_TIMEOUT);
                if (!toc.ok() || !toc.archiveHeader()) {
                    problems.add("table of contents unreadable (" + toc.problem() + ")");
                }
            }
            in.transferTo(java.io.OutputStream.nullOutputStream()); // the rest, for size and checksum
        } catch (IOException | RuntimeException e) {
            if (e instanceof BlobStorageException b && b.getStatusCode() != 404) {
                throw unavailable(prefix + f.path(), b);
            }
            if (e instanceof PgvaultException p) {
                throw p;
            }
            problems.add("could not be read to the end: " + e.getMessage());
        }
        String sha = in.sha256();
        List<String> found = new ArrayList<>();
        if (in.bytes() != f.bytes()) {
            found.add("size " + in.bytes() + " bytes, manifest says " + f.bytes() + (in.bytes() < f.bytes() ? " (truncated)" : ""));
        }
        if (!sha.equals(f.sha256())) {
            found.add("sha256 " + sha + ", manifest says " + f.sha256());
        }
        found.addAll(problems);
        problems = found;
        return new FileCheck(in.bytes(), problems.isEmpty() ? null : String.join("; ", problems));
    }

    /** The custom archive inside a stored dump: zstd-compressed by pgvault, or as pg_dump wrote it. */
    static InputStream decompressed(InputStream stored, String compression) throws IOException {
        if (compression != null && compression.toLowerCase().startsWith("zstd")) {
            // Not closing the zstd stream: the caller keeps reading the raw stream to its end for the checksum.
            return new ZstdInputStream(new FilterInputStream(stored) {
                @Override
                public void close() {
                }
            });
        }
        return new FilterInputStream(stored) {
            @Override
            public void close() {
            }
        };
    }

    private VaultUnavailableException unavailable(String path, BlobStorageException e) {
        return new VaultUnavailableException("Could not read " + path + " from the vault.",
                "status " + e.getStatusCode() + " " + e.getErrorCode(),
                "Check the vault's availability and the app's 'Storage Blob Data Reader' role, then verify again.", e);
    }

    private static String statusUrl(JobRecord job) {
        return "/api/verifyStatus?server=" + job.server() + "&id=" + job.id();
    }

    /** Counts and hashes what is read through it. */
    static final class Hashing extends FilterInputStream {
        private final MessageDigest sha;
        private long bytes;

        Hashing(InputStream in) {
            super(in);
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                sha.update((byte) b);
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sha.update(b, off, n);
                bytes += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return 0; // every byte must pass through the digest
        }

        long bytes() {
            return bytes;
        }

        String sha256() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
