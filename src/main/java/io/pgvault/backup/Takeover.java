package io.pgvault.backup;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.RunProgress;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Optional;

/**
 * A run's dealings with the dead run of its week whose slot it takes over: that backup is recorded Interrupted,
 * its committed database files are offered to this run ({@link RunResume}), and its folder is removed only once
 * this run has ended (committed or failed), so nothing this run reuses is deleted before it is read. Also removes
 * a run's own partial files when it fails.
 */
final class Takeover {

    private static final Logger LOG = Logger.getLogger(Takeover.class);

    private final VaultStore vault;
    private final JobStore jobs;
    private final String server;
    private String abandoned;

    Takeover(VaultStore vault, JobStore jobs, String server) {
        this.vault = vault;
        this.jobs = jobs;
        this.server = server;
    }

    /** A dead run's claim was found: its backup is reported Interrupted; its files wait for {@link #resume}. */
    void abandoned(WeekClaims.Abandoned a) {
        LOG.warnf("Backup %s of %s (claimed %s) did not finish: marking it Interrupted; its committed database "
                + "files may be reused", a.backupId(), server, a.claimedAt());
        if (abandoned != null && !abandoned.equals(a.backupId())) {
            removePartialFiles(server, abandoned); // raced with another dead claim: only the last one is resumed
        }
        abandoned = a.backupId();
        String jobId = "backup-" + a.backupId();
        jobs.find(server, jobId).filter(j -> !j.terminal()).ifPresent(j -> jobs.fail(j, JobRecord.INTERRUPTED,
                new PgvaultException(ErrorKind.DUMP_FAILED, "Backup " + a.backupId() + " was interrupted before its manifest.",
                        "its week claim lost its lease with no manifest written (process killed or timed out)",
                        "Nothing to do: it never became a backup; the next run took its slot and reused what it "
                                + "had committed."), null));
    }

    /** This run's resume state: the dead run's recorded files (none if unreadable) and this run's progress. */
    RunResume resume(String backupId, Clock clock) {
        return new RunResume(vault, clock, server, backupId, abandoned, abandoned == null ? null : progressOfAbandoned());
    }

    private RunProgress progressOfAbandoned() {
        try {
            Optional<RunProgress> p = vault.progress(server, abandoned);
            p.ifPresent(r -> LOG.infof("Interrupted backup %s had committed %d database file(s); each is re-read "
                    + "and checked before it is reused", abandoned, r.databaseFiles().size()));
            return p.orElse(null);
        } catch (RuntimeException e) {
            LOG.warnf("The progress record of interrupted backup %s cannot be used, so every database is dumped "
                    + "again: %s", abandoned, Redactor.redact(String.valueOf(e.getMessage())));
            return null;
        }
    }

    /** This run ended: the dead run's folder (never a backup) goes now. */
    void removeAbandoned() {
        if (abandoned != null) {
            removePartialFiles(server, abandoned);
            abandoned = null;
        }
    }

    /** Removes the files of a run that never committed: its manifest first, then its folder. Never throws. */
    void removePartialFiles(String server, String backupId) {
        try {
            // The manifest first: had a failed commit of it reached the vault after all, no moment may show a
            // manifest whose files are already gone.
            vault.deleteIfExists(BackupLayout.manifestPath(server, backupId));
            int n = vault.deletePrefix(BackupLayout.backupPrefix(server, backupId)).deleted();
            if (n > 0) {
                LOG.infof("Removed %d partial file(s) of failed backup %s", n, backupId);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not remove the partial files of failed backup %s (they have no manifest, so they are "
                    + "not a backup): %s", backupId, e.getMessage());
        }
    }
}
