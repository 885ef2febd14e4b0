package io.pgvault.backup;

import io.pgvault.matrix.TimeBudgetFacts;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The facts of the preflight's time budget: how fast this server's last committed backups went. Read from their
 * manifests, which record the databases' sizes ({@code pg_database_size}) and the start and commit times: the same
 * measure the estimate applies to the server's size now (a job record's bytes are the compressed output).
 */
@ApplicationScoped
public class BackupHistory {

    /** Manifests read at most: the rule uses three; a folder without a manifest (a failed backup) is skipped. */
    static final int READ = 3;

    private final VaultStore vault;

    public BackupHistory(VaultStore vault) {
        this.vault = vault;
    }

    /** The server's last committed backups, newest first (at most {@link #READ}). */
    public List<TimeBudgetFacts.PastBackup> recent(String server) {
        List<String> ids = new ArrayList<>(vault.backupFolders(server));
        ids.sort(Comparator.reverseOrder()); // ids are UTC timestamps: newest first
        List<TimeBudgetFacts.PastBackup> out = new ArrayList<>();
        for (String id : ids) {
            if (out.size() == READ) {
                break;
            }
            vault.manifest(server, id).map(BackupHistory::past).ifPresent(out::add);
        }
        return out;
    }

    private static TimeBudgetFacts.PastBackup past(Manifest m) {
        long bytes = m.databaseFiles().stream().mapToLong(Manifest.File::databaseSizeBytes).sum();
        Duration took = m.startedAt() == null || m.finishedAt() == null ? Duration.ZERO
                : Duration.between(m.startedAt(), m.finishedAt());
        return new TimeBudgetFacts.PastBackup(m.backupId(), bytes, took);
    }
}
