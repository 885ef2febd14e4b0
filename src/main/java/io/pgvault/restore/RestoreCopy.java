package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.LiveMeters;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.matrix.Units;
import io.pgvault.restore.targets.TargetClients;
import io.pgvault.restore.targets.TargetContainer;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.CopySources;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The background part of a restore, after the target was checked: copy each file server-side (no backup byte
 * passes through pgvault), then the manifest, add the restore kit, check every restored file against the
 * manifest → Succeeded. Any failure ends the job as Failed with the reason; the marker is released either way.
 */
@ApplicationScoped
public class RestoreCopy {

    private static final Logger LOG = Logger.getLogger(RestoreCopy.class);

    private final PgvaultConfig config;
    private final VaultStore vault;
    private final TargetClients targets;
    private final RestoreMarker marker;
    private final JobStore jobs;
    private final Clock clock;
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgvault-restore");
        t.setDaemon(true);
        return t;
    });

    public RestoreCopy(PgvaultConfig config, VaultStore vault, TargetClients targets, RestoreMarker marker,
            JobStore jobs, Clock clock) {
        this.config = config;
        this.vault = vault;
        this.targets = targets;
        this.marker = marker;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Starts the copy of a checked restore whose job record is Copying; returns at once. */
    void start(JobRecord copying, RestorePlan plan, String markerPath) {
        TargetContainer target = targets.open(plan.target(), plan.failIfExists());
        runner.submit(JobContext.wrap(() -> {
            try (JobContext.Scope job = JobContext.job(copying.server(), copying.id())) {
                run(new RestoreRun(jobs, clock, copying), plan, target, markerPath);
            }
        }));
    }

    private void run(RestoreRun run, RestorePlan plan, TargetContainer target, String markerPath) {
        try {
            CopySources sources = vault.files().copySources();
            long bytes = copyFiles(run, plan, target, sources);                                        // 1.
            target.copy(plan.prefix() + BackupLayout.MANIFEST,                                          // 2.
                    sources.readUrl(plan.prefix() + BackupLayout.MANIFEST, sourceLife(-1)), -1, run::beat);
            plan.kit().forEach((name, content) -> target.upload(plan.prefix() + name, content));      // 3.
            Stopwatch verifying = Stopwatch.start();
            long readBack = target.verify(plan.manifest(), plan.prefix(),                              // 4.
                    plan.verifyMode().readsBack(), run::beat);
            run.save(run.job().withState(JobRecord.SUCCEEDED, clock.instant()));
            LOG.infof("Restore %s of backup %s finished: %d files, %s copied server-side; verified (%s) with "
                    + "%s read back in %s", run.job().id(), plan.manifest().backupId(), plan.manifest().files().size(),
                    Units.bytesAndExact(bytes), plan.verifyMode(), Units.bytes(readBack),
                    Units.duration(Duration.ofMillis(verifying.millis())));
        } catch (PgvaultException e) {
            jobs.fail(run.job(), JobRecord.FAILED, e, null);
        } catch (RuntimeException e) {
            failedUnexpectedly(run, e);
        } finally {
            marker.release(markerPath);
        }
    }

    /** Copies every file of the manifest, recording each one's progress; returns the bytes copied. */
    private long copyFiles(RestoreRun run, RestorePlan plan, TargetContainer target, CopySources sources) {
        List<Manifest.File> files = plan.manifest().files();
        List<JobRecord.Progress> done = new ArrayList<>();
        long bytes = 0;
        for (Manifest.File f : files) {
            Stopwatch copying = Stopwatch.start();
            String path = plan.prefix() + f.path();
            // a server-side copy reports no bytes on the way: the live line shows the file until it is done
            try (LiveMeters.Meter meter = LiveMeters.open("copy " + f.path(), f.bytes())) {
                try {
                    target.copy(path, sources.readUrl(path, sourceLife(f.bytes())), f.bytes(), run::beat);
                    meter.set(f.bytes());
                } catch (RuntimeException e) {
                    meter.failed();
                    vault.files().requireBackupFile(path); // a source that vanished: named as such
                    throw e;
                }
            }
            bytes += f.bytes();
            done.add(new JobRecord.Progress(f.path(), JobRecord.SUCCEEDED, f.bytes(),
                    copying.megabytesPerSecond(f.bytes())));
            run.save(run.job().withProgress(bytes, done.size(), files.size(), done, clock.instant()));
        }
        return bytes;
    }

    /**
     * How long the read SAS of a source lives: as long as the copy may read it (an asynchronous copy reads its
     * source until it ends; the rest, the manifest too, end at once), plus a margin.
     */
    private Duration sourceLife(long bytes) {
        Settings settings = new Settings(config);
        boolean longCopy = bytes > settings.syncCopyMaxBytes();
        return (longCopy ? settings.copyTimeout() : Duration.ofMinutes(10)).plusMinutes(15);
    }

    private void failedUnexpectedly(RestoreRun run, RuntimeException e) {
        LOG.errorf("Restore %s failed: %s", run.job().id(), Redactor.redact(String.valueOf(e.getMessage())));
        Throwable root = PgvaultException.rootCause(e);
        jobs.fail(run.job(), JobRecord.FAILED, new PgvaultException(ErrorKind.RESTORE_TARGET, "The restore failed unexpectedly.",
                root.getClass().getSimpleName() + ": " + Redactor.redact(String.valueOf(root.getMessage())),
                "Restore again with recoveryOption Overwrite; if it fails again, look at the function's log.", e),
                null);
    }
}
