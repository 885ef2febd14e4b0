package io.pgvault.restore;

import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;

import java.time.Clock;
import java.time.Instant;

/**
 * The job record of a running restore, saved again at least every {@link JobWatch#HEARTBEAT} while it lives, so
 * a record older than {@link JobWatch#STALE} means the runner is gone (its function instance ended).
 */
final class RestoreRun {

    private final JobStore jobs;
    private final Clock clock;
    private JobRecord job;
    private Instant saved;

    RestoreRun(JobStore jobs, Clock clock, JobRecord job) {
        this.jobs = jobs;
        this.clock = clock;
        this.job = job;
        this.saved = clock.instant();
    }

    JobRecord job() {
        return job;
    }

    void save(JobRecord updated) {
        job = updated;
        jobs.save(job);
        saved = clock.instant();
    }

    /** Saves the record again if it was not saved for a while (a long copy of one file). */
    void beat() {
        if (clock.instant().isAfter(saved.plus(JobWatch.HEARTBEAT))) {
            save(job.withProgress(job.bytes(), job.filesDone(), job.filesTotal(), job.progress(), clock.instant()));
        }
    }
}
