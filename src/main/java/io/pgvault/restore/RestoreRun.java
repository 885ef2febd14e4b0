package io.pgvault.restore;

import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The job record of a running restore, saved again at least every {@link #HEARTBEAT} while it lives, so a
 * record older than {@link #STALE} means the runner is gone (its function instance ended).
 */
final class RestoreRun {

    /** How often a long copy or read-back refreshes its job record, so it is not taken for a dead one. */
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** A non-terminal restore whose record was not touched for this long has lost its runner. */
    static final Duration STALE = Duration.ofMinutes(10);

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
        if (clock.instant().isAfter(saved.plus(HEARTBEAT))) {
            save(job.withProgress(job.bytes(), job.filesDone(), job.filesTotal(), job.progress(), clock.instant()));
        }
    }

    /** A restore's record as a reader sees it: one whose runner vanished is Interrupted, never Succeeded. */
    static JobRecord seenAt(JobRecord job, Instant now) {
        if (!job.terminal() && job.updatedAt() != null && job.updatedAt().isBefore(now.minus(STALE))) {
            return job.failed(JobRecord.INTERRUPTED, new JobRecord.Failure("interrupted",
                    "The restore stopped making progress at " + job.updatedAt() + " (its function instance ended)."
                            + "\nHINT: POST the same restore again with recoveryOption Overwrite to resume it."),
                    null, now);
        }
        return job;
    }
}
