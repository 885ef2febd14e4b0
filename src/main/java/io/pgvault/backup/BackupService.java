package io.pgvault.backup;

import io.pgvault.jobs.JobState;
import io.pgvault.errors.ErrorKind;
import io.pgvault.config.BuildInfo;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.matrix.ServerFacts;
import io.pgvault.matrix.Units;
import io.pgvault.matrix.Verdict;
import io.pgvault.retention.AfterCommit;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.ManifestCheck;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Takes a backup of the configured server, in the order pgBackRest's backup command reads:
 * inspect the server → judge it against the support matrix → claim the week → dump every included
 * database and the roles, streamed into the vault → commit the manifest → after-commit steps. Nothing is
 * written for a backup the matrix refuses, and a backup that fails before its manifest leaves no backup behind.
 * Each step is one call; the steps live in {@link BackupPreflight}, {@link WeekClaims}, {@link DatabaseDumps} and
 * {@link AfterCommit}.
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final ServerTargets targets;
    private final VaultStore vault;
    private final WeekClaims weeks;
    private final JobStore jobs;
    private final Clock clock;
    private final AfterCommit afterCommit;

    public BackupService(ServerTargets targets, VaultStore vault, WeekClaims weeks, JobStore jobs, Clock clock,
            AfterCommit afterCommit) {
        this.targets = targets;
        this.vault = vault;
        this.weeks = weeks;
        this.jobs = jobs;
        this.clock = clock;
        this.afterCommit = afterCommit;
    }

    /** What a finished backup produced. */
    public record BackupResult(Manifest manifest, Verdict verdict, JobRecord job) {
    }

    /** Runs one backup of the settings server now (what the weekly timer does). */
    public BackupResult backup(BackupType type) {
        return backup(targets.settings(), type);
    }

    /**
     * Runs one full backup of a registry entry now, with the entry's connection, placement and policy (the
     * read-only settings entry runs exactly as {@link #backup(BackupType)}). Whether the entry is due or still
     * protected is the caller's decision.
     */
    public BackupResult backup(ServerEntry entry, BackupTrigger trigger) {
        try (JobContext.Scope scope = JobContext.job(entry.name(), null)) {
            LOG.infof("Backup of server %s (%s)", entry.name(), trigger);
        }
        return backup(targets.of(entry), BackupType.FULL);
    }

    private BackupResult backup(ServerTargets.Target target, BackupType type) {
        String server = BackupLayout.checkServer(target.config().serverName());
        // The job id is chosen first, so every line of the run carries it (the inspection's threads too).
        Instant first = clock.instant();
        try (JobContext.Scope scope = JobContext.job(server, jobId(first))) {
            return backup(target, type, server, first);
        }
    }

    private BackupResult backup(ServerTargets.Target target, BackupType type, String server, Instant first) {
        BackupPreflight preflights = target.preflights();
        preflights.checkSettings(); // every bad setting at once, before anything is written
        Stopwatch run = Stopwatch.start();
        // The server's inspection needs nothing from the job record, so it runs while the record is written: in a
        // fresh process both mostly load classes (JDBC, the storage SDK), and on two cores they overlap.
        CompletableFuture<ServerFacts> inspection = preflights.inspectAsync(run);
        Started started = startJob(server, first);
        JobRecord job = started.job();
        LOG.debugf("Backup %s: job record created after %d ms", job.backupId(), run.millis());
        // Another run held the first id: the id taken from here on (the inspection's lines keep the first).
        try (JobContext.Scope scope = JobContext.job(server, job.id())) {
            return run(target, type, job, started.at(), inspection, run);
        }
    }

    private BackupResult run(ServerTargets.Target target, BackupType type, JobRecord job, Instant at,
            CompletableFuture<ServerFacts> inspection, Stopwatch run) {
        try {
            BackupPreflight.Result preflight = target.preflights().run(type, at, inspection, run);   // inspect, judge
            long preflightMillis = run.millis();
            if (!preflight.verdict().allowed()) {
                throw new MatrixRefusedException("Backup " + job.backupId() + " of server " + job.server(), preflight.verdict());
            }
            Committed committed = claimDumpAndCommit(target, preflight, job, at, run); // claim, dump, commit
            // human units for people, then the exact milliseconds (bench/run.sh reads them)
            LOG.infof("Backup %s of %s committed: %d database(s) (%d reused), %s in %s (%d ms; preflight %d ms)",
                    job.backupId(), job.server(), committed.manifest().databaseDumps().size(),
                    committed.manifest().databaseDumps().stream()
                            .filter(d -> d.files().stream().allMatch(f -> f.reusedFrom() != null)).count(),
                    Units.bytesAndExact(committed.manifest().totalBytes()),
                    Units.duration(Duration.ofMillis(run.millis())), run.millis(), preflightMillis);
            JobRecord done = afterCommit.run(committed.manifest(), committed.job(), target.retention()); // immutability, retention
            return new BackupResult(committed.manifest(), preflight.verdict(), done);
        } catch (RuntimeException e) {
            throw ended(job, e);
        }
    }

    private static String jobId(Instant at) {
        return "backup-" + BackupLayout.newBackupId(at);
    }

    /** The preflight of a backup that would start now: everything it would refuse, without starting it. */
    public BackupPreflight.Result preflight(BackupType type, Instant now) {
        return targets.settings().preflights().run(type, now);
    }

    /** The preflight of a registry entry's next backup (connects to its server now). */
    public BackupPreflight.Result preflight(ServerEntry entry, BackupType type, Instant now) {
        return targets.of(entry).preflights().run(type, now);
    }

    private record Committed(Manifest manifest, JobRecord job) {
    }

    /**
     * Claims the week, dumps, commits the manifest. Until the commit a failure removes every partial file and
     * frees the week; from the commit on nothing may remove the backup or turn the run into a failure.
     */
    private Committed claimDumpAndCommit(ServerTargets.Target target, BackupPreflight.Result preflight, JobRecord job,
            Instant start, Stopwatch run) {
        String server = job.server();
        String backupId = job.backupId();
        Takeover takeover = new Takeover(vault, jobs, server); // a dead run's files stay until this run ends
        WeekClaims.Claim claim = weeks.claim(server, backupId, start, takeover::abandoned);
        BackupProgress progress;
        Manifest manifest;
        RunResume resume;
        try {
            JobRecord running = job.withState(JobRecord.RUNNING, clock.instant());
            jobs.save(running);
            LOG.debugf("Backup %s: week claimed and job Running after %d ms", backupId, run.millis());
            List<DatabaseFacts> included = preflight.verdict().selection().included();
            progress = new BackupProgress(jobs, running, clock, included.size() + 1, included.stream()
                    .collect(java.util.stream.Collectors.toMap(DatabaseFacts::name, DatabaseFacts::sizeBytes, (a, b) -> a)));
            resume = takeover.resume(backupId, clock);
            List<Manifest.File> files = target.dumps().dumpAll(included, server, backupId, progress, resume);
            manifest = manifest(target.config(), preflight, backupId, start, files);
            ManifestCheck.checkNew(manifest, server, backupId); // every reader checks it: never commit one they refuse
            vault.createOwnJson(BackupLayout.manifestPath(server, backupId), manifest);
        } catch (RuntimeException e) {
            takeover.removePartialFiles(server, backupId);
            takeover.removeAbandoned();
            claim.release();
            throw e;
        }
        claim.commit();
        takeover.removeAbandoned();
        resume.discard(); // the manifest now says everything the progress record said
        return new Committed(manifest, finishCommitted(progress, job));
    }

    /** Records how a failed run ended and returns what to throw: refusals, pgvault's errors, anything else. */
    private RuntimeException ended(JobRecord job, RuntimeException e) {
        if (e instanceof MatrixRefusedException refused) {
            recordFailure(job, JobRecord.REFUSED, refused, refused.violations());
            return refused;
        }
        if (e instanceof PgvaultException conflict && conflict.kind() == ErrorKind.CONFLICT) {
            recordFailure(job, JobRecord.REFUSED, conflict, List.of(conflict.render()));
            return conflict;
        }
        // An SDK or JDK failure nothing mapped still ends the job, with an error a user can act on.
        PgvaultException failure = e instanceof PgvaultException p ? p : unexpected(job.backupId(), e);
        recordFailure(job, JobRecord.FAILED, failure, null);
        return failure;
    }

    /**
     * Whether a failure came out of the storage SDK: its own exceptions, or the reactive wrappers its blocking calls
     * throw around a refused connection (reactor's ReactiveException, Netty's connect errors). Bounded walk.
     */
    private static boolean fromStorageSdk(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.startsWith("com.azure.") || name.startsWith("reactor.") || name.startsWith("io.netty.")) {
                return true;
            }
        }
        return false;
    }

    private static PgvaultException unexpected(String backupId, RuntimeException e) {
        String evidence = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (fromStorageSdk(e)) {
            return new PgvaultException(ErrorKind.VAULT_UNAVAILABLE, "Backup " + backupId + " failed: a request into the vault failed.",
                    evidence, "Check the vault's availability and run the backup again; nothing was committed.", e);
        }
        return new PgvaultException(ErrorKind.DUMP_FAILED, "Backup " + backupId + " failed unexpectedly.", evidence,
                "Run the backup again; nothing was committed. If it fails again, report it with the function's log.", e);
    }

    /**
     * Records how the run ended. When the vault itself is what failed, the record cannot be written: the user
     * still gets the real error (not the record's), and the claim's lapsing lease makes the next run report this
     * one as Interrupted.
     */
    private void recordFailure(JobRecord job, JobState state, PgvaultException e, List<String> violations) {
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
    private Started startJob(String server, Instant first) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant now = attempt == 0 ? first : clock.instant();
            String backupId = BackupLayout.newBackupId(now);
            var job = jobs.startNew(jobId(now), JobRecord.KIND_BACKUP, server, JobRecord.VALIDATING, backupId);
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
        throw new PgvaultException(ErrorKind.BUSY, "Could not start a backup of server " + server + ".",
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

    private Manifest manifest(PgvaultConfig config, BackupPreflight.Result preflight, String backupId, Instant start, List<Manifest.File> files) {
        List<Manifest.ExcludedDatabase> excluded = preflight.verdict().selection().excluded().stream()
                .map(e -> new Manifest.ExcludedDatabase(e.database(), e.owner(), e.reason())).toList();
        return new Manifest(Manifest.FORMAT_VERSION, config.serverName(), backupId, WeekClaims.isoWeek(start),
                BackupType.FULL.name(), start, clock.instant(), preflight.server().serverVersion(), preflight.pgDumpVersion(),
                config.backup().compression().orElse(""), files.stream().mapToLong(Manifest.File::bytes).sum(), files, excluded,
                BuildInfo.version(), preflight.systemIdentifier());
    }
}
