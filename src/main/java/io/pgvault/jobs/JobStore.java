package io.pgvault.jobs;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Job records in the vault, so a job's state survives the function instance that ran it. Each record has
 * one writer (the job itself); readers poll it.
 */
@ApplicationScoped
public class JobStore {

    private final VaultStore vault;

    public JobStore(VaultStore vault) {
        this.vault = vault;
    }

    /** A new job record in state {@code state}. */
    public JobRecord start(String id, JobKind kind, String server, JobState state, String backupId, String target) {
        JobRecord job = fresh(id, kind, server, state, backupId, target);
        save(job);
        return job;
    }

    /**
     * Like {@link #start}, but only if no job with this id exists yet (If-None-Match *): two runs started in the
     * same second would otherwise share one record and overwrite each other's outcome. Empty if the id is taken.
     */
    public Optional<JobRecord> startNew(String id, JobKind kind, String server, JobState state, String backupId) {
        JobRecord job = fresh(id, kind, server, state, backupId, null);
        try {
            vault.createJson(BackupLayout.jobPath(server, id), job);
            return Optional.of(job);
        } catch (PgvaultException taken) {
            if (taken.kind() != ErrorKind.CONFLICT) {
                throw taken;
            }
            return Optional.empty();
        }
    }

    private static JobRecord fresh(String id, JobKind kind, String server, JobState state, String backupId, String target) {
        Instant now = Instant.now();
        return new JobRecord(id, kind, server, state, now, now, null, backupId,
                target == null ? null : Redactor.redact(target), 0, 0, 0, List.of(), List.of(), null, List.of());
    }

    public void save(JobRecord job) {
        vault.writeJson(BackupLayout.jobPath(job.server(), job.id()), job);
    }

    /** Marks a job failed with a user-facing error. */
    public JobRecord fail(JobRecord job, JobState state, PgvaultException e, List<String> violations) {
        JobRecord failed = job.failed(state, new JobRecord.Failure(e.code(), e.render()), violations, Instant.now());
        save(failed);
        return failed;
    }

    public Optional<JobRecord> find(String server, String id) {
        return vault.readJson(BackupLayout.jobPath(server, id), JobRecord.class).map(VaultStore.Versioned::value);
    }

    public JobRecord get(String server, String id) {
        return find(server, id).orElseThrow(() -> new PgvaultException(ErrorKind.NOT_FOUND, 
                "No job " + id + " for server " + server + ".", "looked for " + BackupLayout.jobPath(server, id),
                "List the server's jobs with GET /api/jobs?server=" + server + " or bin/pgvault jobs."));
    }

    /** Every job of a server, newest first. */
    public List<JobRecord> list(String server) {
        List<JobRecord> out = new ArrayList<>();
        for (String name : vault.names(BackupLayout.jobsPrefix(server))) {
            vault.readJson(name, JobRecord.class).map(VaultStore.Versioned::value).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(JobRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder())).reversed());
        return out;
    }
}
