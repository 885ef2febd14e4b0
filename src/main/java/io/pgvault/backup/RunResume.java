package io.pgvault.backup;

import io.pgvault.errors.Redactor;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.RunProgress;
import io.pgvault.vault.VaultStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One run's resume state, shared by its dumps: the database files an interrupted run of the same week committed
 * (by database name; {@link DatabaseDumps} re-reads each and keeps it only if its SHA-256 still matches), and this
 * run's own progress document, updated as each database file commits so that the run after a kill can resume
 * this one. A progress document that cannot be written costs only the resume, never the backup.
 */
final class RunResume {

    private static final Logger LOG = Logger.getLogger(RunResume.class);

    private final VaultStore vault;
    private final Clock clock;
    private final String server;
    private final String path;
    private final String fromBackupId;
    private final Map<String, List<Manifest.File>> earlier;
    private RunProgress progress;
    private String etag;
    private boolean broken;

    RunResume(VaultStore vault, Clock clock, String server, String backupId, String fromBackupId, RunProgress from) {
        this.vault = vault;
        this.clock = clock;
        this.server = server;
        this.path = BackupLayout.progressPath(server, backupId);
        this.fromBackupId = fromBackupId;
        // A database's files are recorded together once all committed (ManifestCheck refuses an incomplete set).
        this.earlier = from == null ? Map.of() : from.databaseFiles().stream()
                .collect(Collectors.groupingBy(Manifest.File::database));
        this.progress = RunProgress.start(server, backupId);
    }

    /** The interrupted run whose files are offered, or null. */
    String fromBackupId() {
        return fromBackupId;
    }

    /**
     * The files (one whole dump, or every part) the interrupted run committed for {@code database} in the same
     * compression, if any.
     */
    Optional<List<Manifest.File>> earlier(String database, String compression) {
        return Optional.ofNullable(earlier.get(database))
                .filter(files -> files.stream().allMatch(f -> compression.equals(f.compression())));
    }

    /** Where the interrupted run stored {@code earlier}. */
    String sourcePath(Manifest.File earlier) {
        return BackupLayout.backupPrefix(server, fromBackupId) + earlier.path();
    }

    Instant now() {
        return clock.instant();
    }

    /** The run committed: its progress record is no longer needed. Never throws. */
    void discard() {
        try {
            vault.deleteIfExists(path);
        } catch (RuntimeException e) {
            LOG.warnf("Could not remove %s (it is not part of the backup): %s", path,
                    Redactor.redact(String.valueOf(e.getMessage())));
        }
    }

    /**
     * Records a database's committed files — all of them at once, so a split database is offered for reuse only
     * with every part — in this run's progress document (If-None-Match, then If-Match).
     */
    synchronized void committed(List<Manifest.File> files) {
        if (broken) {
            return;
        }
        RunProgress next = progress.with(files);
        try {
            etag = vault.replaceJson(path, next, etag);
            progress = next;
            broken = etag == null; // a lost answer: the ETag is unknown, so no later update can be conditional
        } catch (RuntimeException e) {
            broken = true;
            LOG.warnf("Could not record the progress of this backup in %s (a later run of this week will dump "
                    + "everything again if this one dies): %s", path, Redactor.redact(String.valueOf(e.getMessage())));
        }
    }
}
