package io.pgvault.jobs;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
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
    private final StatusBook status;
    private final Clock clock;

    /** Job records stamped by the {@link Clock} bean, so start and end times come from one clock. */
    @Inject
    public JobStore(VaultStore vault, Clock clock) {
        this.vault = vault;
        this.clock = clock;
        this.status = new StatusBook(vault, clock);
    }

    /** Job records stamped by the system clock (tests that build services by hand). */
    public JobStore(VaultStore vault) {
        this(vault, Clock.systemUTC());
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
            status.record(job); // the fleet view shows a started backup as running
            return Optional.of(job);
        } catch (PgvaultException taken) {
            if (taken.kind() != ErrorKind.CONFLICT) {
                throw taken;
            }
            return Optional.empty();
        }
    }

    private JobRecord fresh(String id, JobKind kind, String server, JobState state, String backupId, String target) {
        Instant now = clock.instant();
        return new JobRecord(id, kind, server, state, now, now, null, backupId,
                target == null ? null : Redactor.redact(target), 0, 0, 0, List.of(), List.of(), null, List.of());
    }

    /** Saves a job record; an ended job also updates its server's status document. */
    public void save(JobRecord job) {
        try {
            vault.writeJson(BackupLayout.jobPath(job.server(), job.id()), job);
            if (job.terminal()) {
                status.record(job);
            }
        } finally {
            // The event even when the vault refused the record: an alert must still hear of the failed job.
            JobEvents.ended(job);
        }
    }

    /** The server's status document (last backup, last job, verifies), if any job of it has reported yet. */
    public Optional<ServerStatus> status(String server) {
        return status.read(server);
    }

    /** Deletes the server's status document (its backups are gone). */
    public void deleteStatus(String server) {
        vault.deleteIfExists(StatusBook.path(server));
    }

    /** Changes the server's status document (If-Match, again on a lost race); returns the new status. */
    public ServerStatus updateStatus(String server, java.util.function.UnaryOperator<ServerStatus> change) {
        return status.update(server, change);
    }

    /** Marks a job failed with a user-facing error. */
    public JobRecord fail(JobRecord job, JobState state, PgvaultException e, List<String> violations) {
        JobRecord failed = job.failed(state, new JobRecord.Failure(e.code(), e.render()), violations, clock.instant());
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

    /** Deletes the server's job records last changed before {@code cutoff}; returns how many. */
    public int expire(String server, Instant cutoff) {
        int n = 0;
        for (String name : vault.namesChangedBefore(BackupLayout.jobsPrefix(server), cutoff)) {
            n += vault.deleteIfExists(name) ? 1 : 0;
        }
        return n;
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
