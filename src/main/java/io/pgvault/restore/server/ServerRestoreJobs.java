package io.pgvault.restore.server;

import io.pgvault.catalog.BackupLookup;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;
import io.pgvault.matrix.Violation;
import io.pgvault.restore.RecoveryOption;
import io.pgvault.restore.RestoreAccepted;
import io.pgvault.restore.RestoreChecks;
import io.pgvault.restore.RestoreRequest;
import io.pgvault.restore.server.ServerRestoreReport.DatabaseOutcome;
import io.pgvault.restore.server.ServerRestoreReport.RestoreError;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The asynchronous restore into a server of {@code POST /api/restore} with {@code targetServer}: checks it
 * ({@link ServerRestore#check}; a refusal is the answer, and the job record says Refused), answers 202 with the
 * usual status URL, and restores in the background. The job record (kind restore) lists each database as an item
 * (state, bytes, MB/s, its errors' count) and every error with its HINT as a warning; it ends Succeeded, or Failed
 * naming the databases with errors, and, as every job, emits its event when it ends.
 */
@ApplicationScoped
public class ServerRestoreJobs {

    private static final Logger LOG = Logger.getLogger(ServerRestoreJobs.class);

    private final BackupLookup backups;
    private final RestoreChecks checks;
    private final ServerRestore restores;
    private final JobStore jobs;
    private final Clock clock;
    private final ScheduledExecutorService runner = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "pgvault-server-restore");
        t.setDaemon(true);
        return t;
    });

    public ServerRestoreJobs(BackupLookup backups, RestoreChecks checks, ServerRestore restores, JobStore jobs,
            Clock clock) {
        this.backups = backups;
        this.checks = checks;
        this.restores = restores;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Validates the request and the target, then starts the restore in the background; returns at once. */
    public RestoreAccepted start(RestoreRequest request) {
        String server = BackupLayout.checkServer(request.server());
        RecoveryOption option = RecoveryOption.parse(request.recoveryOption());
        PgTarget target = request.targetServer().checked();
        Manifest manifest = backups.one(server, request.backupId());
        checks.judge(manifest, request.databases(), request.targetRegion(), request.targetTenantId(), true);
        String id = "restore-" + UUID.randomUUID();
        JobRecord job = jobs.start(id, JobRecord.KIND_RESTORE, server, JobRecord.VALIDATING, manifest.backupId(),
                "postgresql://" + target.address());
        try (JobContext.Scope scope = JobContext.job(server, id)) {
            ServerRestore.Plan plan = checked(job, server, manifest, target, option);
            List<String> notes = plan.verdict().notes().stream().map(Violation::render).toList();
            job = new JobRecord(job.id(), job.kind(), job.server(), JobRecord.RUNNING, job.startedAt(), clock.instant(),
                    null, job.backupId(), job.target(), 0, 0, manifest.databaseDumps().size(), List.of(), notes, null,
                    List.of());
            jobs.save(job);
            JobRecord running = job;
            runner.submit(JobContext.wrap(() -> run(running, plan)));
        }
        return new RestoreAccepted(job.id(), job.state(), "/api/restoreStatus?server=" + server + "&id=" + id, server,
                job.backupId(), job.target());
    }

    private ServerRestore.Plan checked(JobRecord job, String server, Manifest manifest, PgTarget target,
            RecoveryOption option) {
        try {
            return restores.check(server, manifest, target, option);
        } catch (PgvaultException e) {
            jobs.fail(job, JobRecord.REFUSED, e, null);
            throw e;
        } catch (RuntimeException e) {
            jobs.fail(job, JobRecord.REFUSED, unexpected("The target server could not be checked.", e), null);
            throw e;
        }
    }

    private void run(JobRecord start, ServerRestore.Plan plan) {
        Progress progress = new Progress(start);
        var beat = runner.scheduleAtFixedRate(progress::beat, JobWatch.HEARTBEAT.toSeconds(),
                JobWatch.HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
        try {
            ServerRestoreReport report = restores.run(plan, null, progress::done);
            beat.cancel(false);
            progress.finish(report);
        } catch (PgvaultException e) {
            beat.cancel(false);
            jobs.fail(progress.job(), JobRecord.FAILED, e, null);
        } catch (RuntimeException e) {
            beat.cancel(false);
            LOG.errorf("Restore %s failed: %s", start.id(), Redactor.redact(String.valueOf(e.getMessage())));
            jobs.fail(progress.job(), JobRecord.FAILED, unexpected("The restore into the server failed unexpectedly.",
                    e), null);
        }
    }

    private static PgvaultException unexpected(String problem, RuntimeException e) {
        Throwable root = PgvaultException.rootCause(e);
        return new PgvaultException(ErrorKind.RESTORE_TARGET, problem, root.getClass().getSimpleName() + ": "
                + Redactor.redact(String.valueOf(root.getMessage())), "Look at the function's log; restore again with"
                + " recoveryOption Overwrite.", e);
    }

    /** The job record while databases end; saved at each end and at each heartbeat. */
    private final class Progress {
        private JobRecord job;
        private final List<JobRecord.Progress> items = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private long bytes;

        Progress(JobRecord job) {
            this.job = job;
        }

        synchronized JobRecord job() {
            return job;
        }

        synchronized void beat() {
            save(job.withProgress(bytes, items.size(), job.filesTotal(), items, clock.instant()));
        }

        synchronized void done(DatabaseOutcome o) {
            bytes += o.bytes();
            double seconds = Math.max(0.001, o.duration().toMillis() / 1000.0);
            items.add(new JobRecord.Progress(o.name(), o.ok() ? JobRecord.SUCCEEDED : JobRecord.FAILED, o.bytes(),
                    o.bytes() / 1e6 / seconds, (o.created() ? "created" : "existing, empty") + "; "
                    + o.errors().size() + " error(s)"));
            o.errors().forEach(e -> warnings.add(e.render()));
            save(job.withProgress(bytes, items.size(), job.filesTotal(), items, clock.instant()));
        }

        synchronized void finish(ServerRestoreReport report) {
            report.roleErrors().forEach(e -> warnings.add(0, e.render()));
            JobRecord ended = job.withWarnings(List.copyOf(warnings), clock.instant());
            if (report.ok()) {
                save(ended.withState(JobRecord.SUCCEEDED, clock.instant()));
                return;
            }
            List<String> failed = report.databases().stream().filter(o -> !o.ok())
                    .map(o -> BackupLayout.printable(o.name())).toList();
            RestoreError first = report.roleErrors().isEmpty() ? report.databases().stream()
                    .flatMap(o -> o.errors().stream()).findFirst().orElseThrow() : report.roleErrors().get(0);
            jobs.fail(ended, JobRecord.FAILED, new PgvaultException(ErrorKind.RESTORE_TARGET, "The restore into "
                    + report.target() + " ended with errors in " + failed.size() + " database(s)"
                    + (report.roleErrors().isEmpty() ? "" : " and in the roles step") + "; the others were restored.",
                    "databases with errors: " + (failed.isEmpty() ? "none" : String.join(", ", failed))
                            + "; first: " + first.problem() + " (" + first.evidence() + ")",
                    first.hint() + " Every error is listed in the job's warnings."), null);
        }

        private void save(JobRecord updated) {
            job = updated;
            jobs.save(job);
        }
    }
}
