package io.pgvault.catalog;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** The catalog: committed backups (those with a manifest) and job history, per server. */
@ApplicationScoped
public class CatalogService {

    private final VaultStore vault;
    private final JobStore jobs;
    private final PgvaultConfig config;

    public CatalogService(VaultStore vault, JobStore jobs, PgvaultConfig config) {
        this.vault = vault;
        this.jobs = jobs;
        this.config = config;
    }

    /** One line of the catalog. */
    public record BackupSummary(String backupId, String isoWeek, String state, Instant startedAt, Instant finishedAt,
            long bytes, List<String> databases, List<String> excludedDatabases, String compression) {
    }

    public List<BackupSummary> backups(String server) {
        return vault.catalog(serverOrDefault(server)).stream().map(CatalogService::summary).toList();
    }

    public List<JobRecord> jobs(String server) {
        return jobs.list(serverOrDefault(server));
    }

    private String serverOrDefault(String server) {
        return BackupLayout.checkServer(server == null || server.isBlank() ? config.serverName() : server);
    }

    static BackupSummary summary(Manifest m) {
        return new BackupSummary(m.backupId(), m.isoWeek(), "Committed", m.startedAt(), m.finishedAt(), m.totalBytes(),
                m.databaseFiles().stream().map(Manifest.File::database).toList(),
                m.excludedDatabases().stream().map(Manifest.ExcludedDatabase::database).toList(), m.compression());
    }
}
