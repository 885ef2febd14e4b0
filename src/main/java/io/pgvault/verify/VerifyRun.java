package io.pgvault.verify;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies one backup and records it in its job, step by step: every file read back ({@link FileReadBack}), then,
 * if all are intact and it was asked for, each dump test-restored ({@link ScratchRestore}). Never throws.
 */
@ApplicationScoped
public class VerifyRun {

    private static final Logger LOG = Logger.getLogger(VerifyRun.class);

    private final JobStore jobs;
    private final FileReadBack readBack;
    private final ScratchRestore scratch;

    public VerifyRun(JobStore jobs, FileReadBack readBack, ScratchRestore scratch) {
        this.jobs = jobs;
        this.readBack = readBack;
        this.scratch = scratch;
    }

    /** The job's lines and the damage found so far, saved after each step. */
    private final class Steps {
        JobRecord job;
        final Manifest manifest;
        final List<JobRecord.Progress> progress = new ArrayList<>();
        final List<String> damaged = new ArrayList<>();
        long bytes;

        Steps(JobRecord job, Manifest manifest) {
            this.job = job;
            this.manifest = manifest;
        }

        void add(JobRecord.Progress line, int filesDone) {
            progress.add(line);
            int files = manifest.files().size();
            job = job.withProgress(bytes, filesDone, files, progress, Instant.now());
            jobs.save(job);
        }
    }

    /** Verifies one backup now and records the result in its job. */
    JobRecord run(JobRecord queued, Manifest manifest, boolean testRestore) {
        Steps steps = new Steps(queued.withState(JobRecord.RUNNING, Instant.now()), manifest);
        try {
            jobs.save(steps.job);
            refuseNewerFormat(manifest);
            String prefix = BackupLayout.backupPrefix(manifest.server(), manifest.backupId());
            readBackFiles(steps, prefix);
            if (steps.damaged.isEmpty() && testRestore) {
                testRestores(steps, prefix);
            }
            if (!steps.damaged.isEmpty()) {
                throw damaged(manifest, steps.damaged);
            }
            JobRecord done = steps.job.withState(JobRecord.SUCCEEDED, Instant.now());
            jobs.save(done);
            LOG.infof("verify %s of backup %s: %d file(s), %d bytes, all good%s", done.id(), manifest.backupId(),
                    manifest.files().size(), steps.bytes, testRestore ? ", test restore passed" : "");
            return done;
        } catch (PgvaultException e) {
            return failQuietly(steps.job, e);
        } catch (RuntimeException e) {
            LOG.errorf("verify %s failed: %s", steps.job.id(), Redactor.redact(String.valueOf(e)));
            return failQuietly(steps.job, new PgvaultException(ErrorKind.VAULT_UNAVAILABLE, "The verify of backup " + manifest.backupId()
                    + " stopped unexpectedly.", e.getClass().getSimpleName() + ": " + e.getMessage(),
                    "Run the verify again; if it fails the same way, look at the log.", e));
        }
    }

    private static void refuseNewerFormat(Manifest manifest) {
        if (manifest.formatVersion() > Manifest.FORMAT_VERSION) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "Backup " + manifest.backupId() + " was written by a newer pgvault.",
                    "manifest formatVersion " + manifest.formatVersion() + ", this pgvault reads up to "
                            + Manifest.FORMAT_VERSION, "Verify it with the pgvault version that wrote it ("
                            + manifest.pgvaultVersion() + ") or newer.");
        }
    }

    private void readBackFiles(Steps steps, String prefix) {
        for (Manifest.File f : steps.manifest.files()) {
            Stopwatch took = Stopwatch.start();
            FileReadBack.FileCheck check = readBack.check(prefix, f);
            steps.bytes += check.bytes();
            if (!check.ok()) {
                steps.damaged.add(f.path() + ": " + check.problem());
                LOG.warnf("verify %s: %s is damaged: %s", steps.manifest.backupId(), f.path(), check.problem());
            }
            steps.add(new JobRecord.Progress(f.path(), check.ok() ? JobRecord.SUCCEEDED : JobRecord.FAILED,
                    check.bytes(), took.megabytesPerSecond(check.bytes())), steps.progress.size() + 1);
        }
    }

    /** Each database test-restored as a whole: a split one's parts in restore order into one scratch database. */
    private void testRestores(Steps steps, String prefix) {
        for (Manifest.DatabaseDump dump : steps.manifest.databaseDumps()) {
            Stopwatch took = Stopwatch.start();
            ScratchRestore.Outcome restored = scratch.restore(prefix, dump);
            if (!restored.ok()) {
                steps.damaged.add(label(dump) + ": test restore failed: " + restored.problem());
            }
            steps.add(testRestoreLine(dump, restored, took), steps.manifest.files().size());
        }
    }

    /** A database's file, or for one in parts its whole-dump name and the number of parts. */
    static String label(Manifest.DatabaseDump dump) {
        Manifest.File first = dump.files().get(0);
        return !dump.split() ? first.path()
                : first.path().replace("." + first.part() + ".", ".") + " (" + dump.files().size() + " parts)";
    }

    /** The job record's line of one test restore: what it put into the scratch database, or that it failed. */
    private JobRecord.Progress testRestoreLine(Manifest.DatabaseDump dump, ScratchRestore.Outcome restored,
            Stopwatch took) {
        long bytes = dump.files().stream().mapToLong(Manifest.File::bytes).sum();
        return new JobRecord.Progress(VerifyService.TEST_RESTORE + label(dump),
                restored.ok() ? JobRecord.SUCCEEDED : JobRecord.FAILED, bytes, took.megabytesPerSecond(bytes),
                restored.ok() ? "restored " + restored.tables() + " table(s) with " + restored.rows() + " row(s) into "
                        + scratch.name().orElse("") + ", then dropped it" : null);
    }

    private static PgvaultException damaged(Manifest manifest, List<String> damaged) {
        return new PgvaultException(ErrorKind.INTEGRITY, "Backup " + manifest.backupId() + " of server " + manifest.server()
                + " failed verification: " + damaged.size() + " of " + manifest.files().size()
                + " file(s) damaged.", String.join("\n", damaged),
                "Do not rely on this backup: restore an older one that verifies, find out what changed the vault "
                        + "(storage logs, immutability settings), and take a new backup.");
    }

    /** Records a failure; if even that fails, the failed record is still returned to the caller. */
    JobRecord failQuietly(JobRecord job, PgvaultException e) {
        try {
            return jobs.fail(job, JobRecord.FAILED, e, null);
        } catch (RuntimeException saveFailed) {
            LOG.errorf("Could not record the failure of %s: %s", job.id(), saveFailed.getMessage());
            return job.failed(JobRecord.FAILED, new JobRecord.Failure(e.code(), e.render()), null, Instant.now());
        }
    }
}
