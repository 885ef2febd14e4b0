package io.pgvault.jobs;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every kind of background job shares once started, in one place for restores and verifies: a job whose
 * runner vanished is reported Interrupted (never left Running forever), and the CLI waits for a job to end by
 * polling its record. "Now" is the {@link Clock} bean's (the system UTC clock in production, the test clock in
 * tests that install one); job records are stamped with wall-clock time, so a test clock set into the past never
 * makes a job look stale.
 *
 * <p>One rule for every kind: a job that is not over and whose record was not written for {@link #STALE} has
 * lost its runner. It is 30 minutes, not the 10 minutes restores used before, because the risk of a short
 * threshold is the worse one: a verify writes its record only between files, and reading back (or
 * test-restoring) one large dump can take longer than 10 minutes; reporting that live job Interrupted would tell
 * the user it died and let a second verify of the server start beside it. A restore refreshes its record every
 * {@link #HEARTBEAT} during a copy, so for a dead restore the longer rule only means the Interrupted answer
 * comes later (and the marker of a restore whose creator died before writing its job record holds identical
 * requests back for as long), never a wrong one.
 */
@ApplicationScoped
public class JobWatch {

    /** How often a long step refreshes its job record where it can (a restore's copy and read-back do). */
    public static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** A non-terminal job whose record was not touched for this long has lost its runner. */
    public static final Duration STALE = Duration.ofMinutes(30);
    /** How often {@link #awaitEnd} reads the job record. */
    static final Duration POLL = Duration.ofMillis(500);

    private final Clock clock;

    public JobWatch(Clock clock) {
        this.clock = clock;
    }

    /** The current instant, by the Clock bean. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * The job as a reader sees it: Interrupted if it is not over and its record was not touched for
     * {@link #STALE}; otherwise the job as it is. Nothing is saved: the next reader sees the same.
     */
    public JobRecord seen(JobRecord job) {
        Instant now = now();
        if (!job.terminal() && job.updatedAt() != null && job.updatedAt().isBefore(now.minus(STALE))) {
            return job.failed(JobRecord.INTERRUPTED, new JobRecord.Failure("interrupted",
                    "The " + job.kind() + " stopped making progress at " + job.updatedAt() + " (" + runner(job.kind())
                            + " ended).\nHINT: " + hint(job.kind())), null, now);
        }
        return job;
    }

    /** Whether something created at {@code createdAt} (e.g. a restore's marker) is younger than {@link #STALE}. */
    public boolean fresh(Instant createdAt) {
        return createdAt != null && createdAt.isAfter(now().minus(STALE));
    }

    /**
     * Polls {@code status} every half second until the job is over or {@code timeout} passed; returns the last
     * record read.
     */
    public JobRecord awaitEnd(Supplier<JobRecord> status, Duration timeout) throws InterruptedException {
        return awaitEnd(List.of(status), timeout).get(0);
    }

    /**
     * Waits for several jobs in turn within one {@code timeout}; returns the last record read of each. The timeout
     * is measured on the monotonic clock: it is a span of waiting, which a test clock set to a fixed instant
     * would otherwise never end.
     */
    public List<JobRecord> awaitEnd(List<Supplier<JobRecord>> statuses, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JobRecord> out = new ArrayList<>();
        for (Supplier<JobRecord> status : statuses) {
            JobRecord job = status.get();
            while (!job.terminal() && System.nanoTime() - deadline < 0) {
                Thread.sleep(POLL.toMillis());
                job = status.get();
            }
            out.add(job);
        }
        return out;
    }

    private static String runner(JobKind kind) {
        return kind == JobKind.RESTORE ? "its function instance" : "its process";
    }

    private static String hint(JobKind kind) {
        return switch (kind) {
            case RESTORE -> "POST the same restore again with recoveryOption Overwrite to resume it.";
            case VERIFY -> "Start the verify again.";
            case DRILL -> "Start the drill again (bin/pgvault drill --server NAME).";
            case BACKUP -> "Start the backup again.";
        };
    }
}
