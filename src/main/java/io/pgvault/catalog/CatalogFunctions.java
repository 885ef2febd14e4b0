package io.pgvault.catalog;

import io.pgvault.http.Query;
import io.pgvault.jobs.JobRecord;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

import java.util.List;

/** HTTP functions that read the vault: the backup catalog and the job history of a server. */
public class CatalogFunctions {

    @Inject
    CatalogService catalog;

    /** GET /api/backups?server=… — committed backups, newest first. */
    @Funq("backups")
    public List<CatalogService.BackupSummary> backups(Query query) {
        return catalog.backups(query == null ? null : query.getServer());
    }

    /** GET /api/jobs?server=… — backup, restore and verify jobs, newest first. */
    @Funq("jobs")
    public List<JobRecord> jobs(Query query) {
        return catalog.jobs(query == null ? null : query.getServer());
    }
}
