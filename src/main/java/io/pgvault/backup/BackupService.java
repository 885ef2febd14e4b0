package io.pgvault.backup;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ConflictException;
import io.pgvault.errors.DumpFailedException;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.errors.VaultUnavailableException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupFacts;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.matrix.MatrixPolicy;
import io.pgvault.matrix.Placement;
import io.pgvault.matrix.ServerFacts;
import io.pgvault.matrix.SupportMatrix;
import io.pgvault.matrix.ToolFacts;
import io.pgvault.matrix.VaultFacts;
import io.pgvault.matrix.Verdict;
import io.pgvault.matrix.WeekSlot;
import io.pgvault.postgres.DumpProcess;
import io.pgvault.postgres.PgTools;
import io.pgvault.postgres.ServerInspector;
import io.pgvault.retention.AfterCommit;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.ManifestCheck;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Takes a backup of the configured server, in the order pgBackRest's backup command reads:
 * inspect the server → judge it against the support matrix → claim the week → dump every included
 * database and the roles, streamed into the vault → commit the manifest. Nothing is written for a backup the
 * matrix refuses, and a backup that fails before its manifest leaves no backup behind.
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);
    public static final String PGVAULT_VERSION = "0.1.0";

    private final PgvaultConfig config;
    private final ServerInspector inspector;
    private final PgTools tools;
    private final VaultStore vault;
    private final WeekClaims weeks;
    private final JobStore jobs;
    private final Clock clock;
    private final AfterCommit afterCommit;

    public BackupService(PgvaultConfig config, ServerInspector inspector, PgTools tools, VaultStore vault,
            WeekClaims weeks, JobStore jobs, Clock clock, AfterCommit afterCommit) {
        this.afterCommit = afterCommit;
        this.config = config;
        this.inspector = inspector;
        this.tools = tools;
        this.vault = vault;
        this.weeks = weeks;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** What a finished backup produced. */
    public record BackupResult(Manifest manifest, Verdict verdict, JobRecord job) {
    }

    /** Runs one backup now (what the weekly timer does). */
    public BackupResult backup(BackupType type) {
        String server = BackupLayout.checkServer(config.serverName());
        long t0 = System.nanoTime();
        // The server's inspection needs nothing from the job record, so it runs while the record is written: in a
        // fresh process both mostly load classes (JDBC, the storage SDK), and on two cores they overlap.
        CompletableFuture<ServerFacts> inspection = inspectAsync(t0);
        Started started = startJob(server);
        LOG.debugf("Backup %s: job record created after %d ms", started.job().backupId(), (System.nanoTime() - t0) / 1_000_000);
        JobRecord job = started.job();
        String backupId = job.backupId();
        Instant start = started.at();
        try {
            Preflight preflight = preflight(type, start, inspection, t0);               // inspect + judge
            long preflightMillis = (System.nanoTime() - t0) / 1_000_000;
            Verdict verdict = preflight.verdict();
            if (!verdict.allowed()) {
                throw new MatrixRefusedException("Backup " + backupId + " of server " + server, verdict);
            }
            WeekClaims.Claim claim = weeks.claim(server, backupId, start, this::recordInterrupted);   // claim week
            BackupProgress progress;
            Manifest manifest;
            try {
                job = job.withState(JobRecord.RUNNING, clock.instant());
                jobs.save(job);
                LOG.debugf("Backup %s: week claimed and job Running after %d ms", backupId, (System.nanoTime() - t0) / 1_000_000);
                progress = new BackupProgress(jobs, job, clock, verdict.selection().included().size() + 1);
                List<Manifest.File> files = dumpAll(verdict, backupId, progress);      // dump
                manifest = manifest(preflight, backupId, start, files);
                ManifestCheck.checkNew(manifest, server, backupId);   // every reader checks it: never commit one they refuse
                vault.createOwnJson(BackupLayout.manifestPath(server, backupId), manifest);  // commit manifest
            } catch (RuntimeException e) {
                removePartialFiles(server, backupId);
                claim.release();
                throw e;
            }
            // Committed: from here on nothing may remove the backup or turn the run into a failure.
            claim.commit();
            job = finishCommitted(progress, job);
            LOG.infof("Backup %s of %s committed: %d database(s), %d bytes in %.3f s (preflight %d ms)", backupId,
                    server, manifest.databaseFiles().size(), manifest.totalBytes(), (System.nanoTime() - t0) / 1e9,
                    preflightMillis);
            job = afterCommit.run(manifest, job);                                       // immutability, retention
            return new BackupResult(manifest, verdict, job);
        } catch (MatrixRefusedException e) {
            recordFailure(job, JobRecord.REFUSED, e, e.violations());
            throw e;
        } catch (ConflictException e) {
            recordFailure(job, JobRecord.REFUSED, e, List.of(e.render()));
            throw e;
        } catch (PgvaultException e) {
            recordFailure(job, JobRecord.FAILED, e, null);
            throw e;
        } catch (RuntimeException e) {
            // An SDK or JDK failure nothing mapped: it still ends the job, with an error a user can act on.
            PgvaultException failure = unexpected(backupId, e);
            recordFailure(job, JobRecord.FAILED, failure, null);
            throw failure;
        }
    }

    private static PgvaultException unexpected(String backupId, RuntimeException e) {
        String evidence = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e.getClass().getName().startsWith("com.azure.")) {
            return new VaultUnavailableException("Backup " + backupId + " failed: the vault did not take a request.",
                    evidence, "Check the vault's availability and run the backup again; nothing was committed.", e);
        }
        return new DumpFailedException("Backup " + backupId + " failed unexpectedly.", evidence,
                "Run the backup again; nothing was committed. If it fails again, report it with the function's log.", e);
    }

    /**
     * Records how the run ended. When the vault itself is what failed, the record cannot be written: the user
     * still gets the real error (not the record's), and the claim's lapsing lease makes the next run report this
     * one as Interrupted.
     */
    private void recordFailure(JobRecord job, String state, PgvaultException e, List<String> violations) {
        try {
            jobs.fail(job, state, e, violations);
        } catch (RuntimeException recordFailed) {
            LOG.warnf("Could not record the failure of %s in the vault: %s", job.id(),
                    Redactor.redact(String.valueOf(recordFailed.getMessage())));
            e.addSuppressed(recordFailed);
        }
    }

    /**
     * Creates the job record of a new backup under a backup id (one per second) that no other run holds: two runs
     * started in the same second (the timer and bin/pgvault, two instances) would otherwise share one id and one
     * job record. Bounded: at most five seconds.
     */
    private Started startJob(String server) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant now = clock.instant();
            String backupId = BackupLayout.newBackupId(now);
            var job = jobs.startNew("backup-" + backupId, JobRecord.KIND_BACKUP, server, JobRecord.VALIDATING, backupId);
            if (job.isPresent()) {
                return new Started(job.get(), now);
            }
            try {
                Thread.sleep(1001 - now.getNano() / 1_000_000); // into the next second: the next id
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ConflictException("Could not start a backup of server " + server + ".",
                "every backup id of the last five seconds was taken by other runs",
                "Other backups are starting at the same time; look at bin/pgvault jobs and run it again later.");
    }

    private record Started(JobRecord job, Instant at) {
    }

    /** Records a committed backup's job as Succeeded; a job record that cannot be saved is only logged. */
    private JobRecord finishCommitted(BackupProgress progress, JobRecord job) {
        try {
            return progress.finish(JobRecord.SUCCEEDED);
        } catch (RuntimeException e) {
            LOG.warnf("Backup %s is committed, but its job record could not be saved: %s", job.backupId(), e.getMessage());
            return job.withState(JobRecord.SUCCEEDED, clock.instant());
        }
    }

    /** What inspection found and what the matrix made of it. */
    public record Preflight(ServerFacts server, String pgDumpVersion, Verdict verdict) {
    }

    /** Inspects the server and vault and judges them: everything the backup would refuse, at once. */
    public Preflight preflight(BackupType type, Instant now) {
        long t0 = System.nanoTime();
        return preflight(type, now, inspectAsync(t0), t0);
    }

    private CompletableFuture<ServerFacts> inspectAsync(long t0) {
        return CompletableFuture.supplyAsync(() -> timed("server inspection", t0, inspector::inspect));
    }

    private Preflight preflight(BackupType type, Instant now, CompletableFuture<ServerFacts> inspection, long t0) {
        String server = BackupLayout.checkServer(config.serverName());
        // The three inspections touch different systems (PostgreSQL, the local tools, the vault): run them at
        // once, so the preflight costs the slowest of them, not their sum.
        // A bad compression setting is refused here, before anything is claimed; zstd's native library loads
        // meanwhile, not when the first dump has started.
        DumpCompression compression = DumpCompression.parse(config.backup().compression());
        CompletableFuture.runAsync(compression::warmUp);
        CompletableFuture<String> pgDump = CompletableFuture.supplyAsync(() -> timed("pg_dump --version", t0,
                tools::pgDumpVersion));
        CompletableFuture<WeekSlot> weekSlot = CompletableFuture.supplyAsync(() -> timed("week slot", t0,
                () -> weeks.slot(server, WeekClaims.isoWeek(now), now)));
        ServerFacts facts = join(inspection);
        String pgDumpVersion = join(pgDump);
        WeekSlot slot = join(weekSlot);
        PgvaultConfig.Vault v = config.vault();
        VaultFacts vaultFacts = new VaultFacts(v.accessTier(),
                new Placement(v.tenantId().orElse(null), v.subscriptionId().orElse(null), v.region().orElse(null)));
        Verdict verdict = matrix().judgeBackup(new BackupFacts(facts,
                new ToolFacts(pgDumpVersion, PgTools.major(pgDumpVersion)), vaultFacts, type, slot));
        return new Preflight(facts, pgDumpVersion, verdict);
    }

    private static <T> T timed(String what, long since, Supplier<T> step) {
        T value = step.get();
        LOG.debugf("Preflight: %s done after %d ms", what, (System.nanoTime() - since) / 1_000_000);
        return value;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    private SupportMatrix matrix() {
        return new SupportMatrix(new MatrixPolicy(config.matrix().maxServerSizeBytes(), config.matrix().maxByteaBytes()));
    }

    private List<Manifest.File> dumpAll(Verdict verdict, String backupId, BackupProgress progress) {
        String server = config.serverName();
        DumpCompression compression = DumpCompression.parse(config.backup().compression());
        List<DatabaseFacts> databases = verdict.selection().included();
        int parallelism = config.backup().parallelism() > 0 ? config.backup().parallelism()
                : Runtime.getRuntime().availableProcessors();
        RunningDumps running = new RunningDumps();
        // The (small) roles dump has its own thread: it never holds back a database, and the database slots stay
        // exactly pgvault.backup.parallelism.
        ExecutorService rolesThread = Executors.newSingleThreadExecutor();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, databases.size())));
        List<ExecutorService> pools = List.of(rolesThread, pool);
        try {
            String prefix = BackupLayout.backupPrefix(server, backupId);
            List<Future<Manifest.File>> futures = new ArrayList<>(Collections.nCopies(databases.size() + 1, null));
            futures.set(0, rolesThread.submit(() -> dumpRoles(prefix, progress, running)));
            // Largest first, so the longest dump never starts last and the slots end together; files keep their
            // numbers (the order of the server's catalog).
            List<Integer> bySize = IntStream.range(0, databases.size()).boxed()
                    .sorted(Comparator.comparingLong((Integer i) -> databases.get(i).sizeBytes()).reversed()).toList();
            for (int i : bySize) {
                DatabaseFacts db = databases.get(i);
                String path = prefix + BackupLayout.databaseFile(i + 1, db.name(), compression.extension());
                futures.set(i + 1, pool.submit(() -> dumpDatabase(db, prefix, path, compression, parallelism, progress,
                        running)));
            }
            List<Manifest.File> files = new ArrayList<>();
            for (Future<Manifest.File> f : futures) {
                try {
                    files.add(f.get());
                } catch (ExecutionException e) {
                    running.stopAll(pools, futures); // one failure ends the backup: stop the others
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running.stopAll(pools, futures);
                    throw new IllegalStateException("backup interrupted", e);
                }
            }
            return files;
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
    }

    private Manifest.File dumpRoles(String prefix, BackupProgress progress, RunningDumps running) {
        String path = prefix + "roles.sql";
        ProcessBuilder pb = tools.command(config.pg().database(), "pg_dumpall",
                List.of("--globals-only", "--no-role-passwords", "--no-password"));
        BlockBlobSink.StoredFile stored = stream(pb, "roles and tablespaces", path, "application/sql",
                DumpCompression.parse("none"), 1, progress, "(roles)", running);
        return new Manifest.File(Manifest.File.KIND_GLOBALS, null, null, 0, relative(prefix, path), stored.bytes(),
                stored.sha256(), stored.md5Base64(), DumpCompression.NONE);
    }

    private Manifest.File dumpDatabase(DatabaseFacts db, String prefix, String path, DumpCompression compression, int workers,
            BackupProgress progress, RunningDumps running) {
        List<String> args = new ArrayList<>(List.of("--format=custom", "--no-password",
                "--lock-wait-timeout=" + config.backup().lockWaitTimeout().toMillis()));
        args.addAll(compression.pgDumpArgs());
        ProcessBuilder pb = tools.command(db.name(), "pg_dump", args);
        BlockBlobSink.StoredFile stored = stream(pb, "database \"" + db.name() + "\"", path,
                "application/octet-stream", compression, workers, progress, db.name(), running);
        return new Manifest.File(Manifest.File.KIND_DATABASE, db.name(), db.owner(), db.sizeBytes(),
                relative(prefix, path), stored.bytes(), stored.sha256(), stored.md5Base64(), compression.toString());
    }

    /** Streams one tool's output into one new blob; the blob exists only if the tool succeeded. */
    private BlockBlobSink.StoredFile stream(ProcessBuilder pb, String what, String path, String contentType,
            DumpCompression compression, int workers, BackupProgress progress, String item, RunningDumps running) {
        BlockBlobSink sink = vault.newBlob(path, contentType);
        OutputStream out = null;
        boolean committed = false;
        try {
            out = compression.wrap(sink, workers);
            progress.started(item);
            DumpProcess.run(pb, what, out, config.backup().timeout(), n -> progress.update(item, n), running::started);
            out.close(); // finishes the compressed frame; the sink stays open
            BlockBlobSink.StoredFile stored = sink.commit();
            committed = true;
            progress.done(item, stored.bytes());
            return stored;
        } catch (IOException e) {
            throw new VaultUnavailableException("Could not store " + what + " in the vault.", e.getMessage(),
                    "Check the vault's availability and run the backup again; nothing was committed.", e);
        } finally {
            if (!committed) {
                sink.abort();
                closeQuietly(out);
            }
        }
    }

    private Manifest manifest(Preflight preflight, String backupId, Instant start, List<Manifest.File> files) {
        List<Manifest.ExcludedDatabase> excluded = preflight.verdict().selection().excluded().stream()
                .map(e -> new Manifest.ExcludedDatabase(e.database(), e.owner(), e.reason())).toList();
        return new Manifest(Manifest.FORMAT_VERSION, config.serverName(), backupId, WeekClaims.isoWeek(start),
                BackupType.FULL.name(), start, clock.instant(), preflight.server().serverVersion(), preflight.pgDumpVersion(),
                config.backup().compression(), files.stream().mapToLong(Manifest.File::bytes).sum(), files, excluded,
                PGVAULT_VERSION);
    }

    private void removePartialFiles(String server, String backupId) {
        try {
            // The manifest first: had a failed commit of it reached the vault after all, no moment may show a
            // manifest whose files are already gone.
            vault.blob(BackupLayout.manifestPath(server, backupId)).deleteIfExists();
            int n = vault.deletePrefix(BackupLayout.backupPrefix(server, backupId));
            if (n > 0) {
                LOG.infof("Removed %d partial file(s) of failed backup %s", n, backupId);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not remove the partial files of failed backup %s (they have no manifest, so they are "
                    + "not a backup): %s", backupId, e.getMessage());
        }
    }

    /** A dead run's claim was found: its backup is reported Interrupted and its partial files removed. */
    private void recordInterrupted(WeekClaims.Abandoned abandoned) {
        String server = config.serverName();
        LOG.warnf("Backup %s of %s (claimed %s) did not finish: marking it Interrupted", abandoned.backupId(), server,
                abandoned.claimedAt());
        removePartialFiles(server, abandoned.backupId());
        String jobId = "backup-" + abandoned.backupId();
        jobs.find(server, jobId).filter(j -> !j.terminal()).ifPresent(j -> jobs.fail(j, JobRecord.INTERRUPTED,
                new DumpFailedException("Backup " + abandoned.backupId() + " was interrupted before its manifest.",
                        "its week claim lost its lease with no manifest written (process killed or timed out)",
                        "Nothing to do: it never became a backup; the next run took its slot."), null));
    }

    /**
     * The tool processes of one backup. One failure stops them all, and {@link #stopAll} waits for every dump task
     * to end: a dump that was about to commit must not add a file after the failed backup's files were removed.
     */
    private static final class RunningDumps {
        private final Set<Process> processes = ConcurrentHashMap.newKeySet();
        private volatile boolean stopping;

        void started(Process p) {
            processes.add(p);
            if (stopping) {
                p.destroyForcibly(); // started while the backup was being stopped
            }
        }

        void stopAll(List<ExecutorService> pools, List<? extends Future<?>> tasks) {
            stopping = true;
            processes.forEach(Process::destroyForcibly); // a killed dump ends its task before any commit
            // No interrupts: an interrupted SDK call returns at once while its request still completes on the
            // wire, so a commit in flight would land after the partial files were removed. Queued dumps are
            // cancelled; running ones end on their own (their tool was killed) or finish a commit already sent.
            tasks.forEach(t -> t.cancel(false));
            pools.forEach(ExecutorService::shutdown);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            try {
                for (ExecutorService pool : pools) {
                    if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        LOG.warn("Some dumps of the failed backup did not stop within 2 minutes");
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String relative(String prefix, String path) {
        return path.substring(prefix.length());
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // the upload is aborted already
            }
        }
    }
}
