package io.pgvault.jobs;

import io.pgvault.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one staleness rule of every job kind, judged by the Clock bean (here the tests' {@link TestClock}): a job not
 * over whose record was not written for {@link JobWatch#STALE} reads as Interrupted, with its kind's HINT.
 */
class JobWatchTest {

    static final Instant T = Instant.parse("2026-11-25T02:00:00Z");

    static JobRecord job(JobKind kind, JobState state, Instant updated) {
        return new JobRecord(kind + "-x", kind, "pg1", state, T, updated, null, "20261125T020000Z", null, 0, 0, 0,
                List.of(), List.of(), null, List.of());
    }

    @Test
    void aRestoreAndAVerifyUntouchedForLongerThanTheRuleReadAsInterruptedWithTheirHints() {
        TestClock clock = new TestClock();
        clock.set(T.plus(JobWatch.STALE).plusSeconds(1));
        JobWatch watch = new JobWatch(clock);
        JobRecord restore = watch.seen(job(JobKind.RESTORE, JobState.COPYING, T));
        assertEquals(JobState.INTERRUPTED, restore.state());
        assertEquals("interrupted", restore.error().code());
        assertTrue(restore.error().message().startsWith("The restore stopped making progress at " + T
                + " (its function instance ended).\nHINT: POST the same restore again"), restore.error().message());
        JobRecord verify = watch.seen(job(JobKind.VERIFY, JobState.RUNNING, T));
        assertEquals(JobState.INTERRUPTED, verify.state());
        assertTrue(verify.error().message().endsWith("(its process ended).\nHINT: Start the verify again."),
                verify.error().message());
    }

    @Test
    void aJobTouchedWithinTheRuleOrAlreadyOverIsAsItIs() {
        TestClock clock = new TestClock();
        clock.set(T.plus(JobWatch.STALE).minusSeconds(1));
        JobWatch watch = new JobWatch(clock);
        JobRecord copying = job(JobKind.RESTORE, JobState.COPYING, T);
        assertSame(copying, watch.seen(copying));
        clock.set(T.plus(Duration.ofDays(1)));
        JobRecord done = job(JobKind.VERIFY, JobState.SUCCEEDED, T);
        assertSame(done, watch.seen(done));
        assertFalse(watch.fresh(T), "a marker a day old is stale");
        assertTrue(watch.fresh(T.plus(Duration.ofDays(1)).minus(JobWatch.STALE).plusSeconds(1)));
    }

    @Test
    @Timeout(60) // a guard against hanging the build if the wait never ends, not a timing assert
    void waitingEndsAtTheTimeoutEvenWhenTheClockStandsStill() throws InterruptedException {
        TestClock clock = new TestClock();
        clock.set(T); // a fixed test clock must not make a wait endless
        JobRecord running = job(JobKind.VERIFY, JobState.RUNNING, T);
        JobRecord last = new JobWatch(clock).awaitEnd(() -> running, Duration.ofMillis(600));
        assertEquals(JobState.RUNNING, last.state());
    }
}
