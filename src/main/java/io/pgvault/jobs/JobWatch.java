package io.pgvault.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What every kind of background job shares once started: a job whose runner vanished is reported Interrupted
 * (never left Running forever), and the CLI waits for a job to end by polling its record.
 */
public final class JobWatch {

    private JobWatch() {
    }

    /**
     * The job as Interrupted if it is not over and its record was not touched for {@code stale} before
     * {@code now}; otherwise the job as it is. Nothing is saved: the next reader sees the same.
     *
     * @param runner what ran it, e.g. "its process" ("… stopped making progress at … (its process ended)")
     * @param hint   what the user does about it
     */
    public static JobRecord interruptedIfStale(JobRecord job, Instant now, Duration stale, String runner, String hint) {
        if (!job.terminal() && job.updatedAt() != null && job.updatedAt().isBefore(now.minus(stale))) {
            return job.failed(JobRecord.INTERRUPTED, new JobRecord.Failure("interrupted",
                    "The " + job.kind() + " stopped making progress at " + job.updatedAt() + " (" + runner + " ended)."
                            + "\nHINT: " + hint), null, now);
        }
        return job;
    }

    /**
     * Polls {@code status} every {@code poll} until the job is over or {@code deadline} passed (by {@code clock});
     * returns the last record read.
     */
    public static JobRecord awaitEnd(Supplier<JobRecord> status, Instant deadline, Duration poll,
            Supplier<Instant> clock) throws InterruptedException {
        JobRecord job = status.get();
        while (!job.terminal() && clock.get().isBefore(deadline)) {
            Thread.sleep(poll.toMillis());
            job = status.get();
        }
        return job;
    }
}
