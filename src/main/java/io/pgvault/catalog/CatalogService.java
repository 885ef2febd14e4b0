package io.pgvault.catalog;

import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
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
    private final BackupLookup lookup;

    public CatalogService(VaultStore vault, JobStore jobs, BackupLookup lookup) {
        this.vault = vault;
        this.jobs = jobs;
        this.lookup = lookup;
    }

    /** One line of the catalog. */
    public record BackupSummary(String backupId, String isoWeek, String state, Instant startedAt, Instant finishedAt,
            long bytes, List<String> databases, List<String> excludedDatabases, String compression) {
    }

    public List<BackupSummary> backups(String server) {
        return vault.catalog(lookup.server(server)).stream().map(CatalogService::summary).toList();
    }

    public List<JobRecord> jobs(String server) {
        return jobs.list(lookup.server(server));
    }

    static BackupSummary summary(Manifest m) {
        return new BackupSummary(m.backupId(), m.isoWeek(), "Committed", m.startedAt(), m.finishedAt(), m.totalBytes(),
                m.databaseDumps().stream().map(Manifest.DatabaseDump::database).toList(),
                m.excludedDatabases().stream().map(Manifest.ExcludedDatabase::database).toList(), m.compression());
    }
}
