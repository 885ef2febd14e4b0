package io.pgvault.matrix;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code time-budget} on facts: the estimate (included size ÷ slowest recent throughput, or the default rate),
 * the two budgets (function timeout, Premium's 60 minutes) and their edges, and that it only ever warns.
 */
class TimeBudgetTest {

    static final long MIB = Facts.MIB;
    static final long GIB = Facts.GIB;
    static final Duration DAY = Duration.ofHours(24);

    /** A past backup of {@code bytes} that went at {@code mibPerSecond}. */
    static TimeBudgetFacts.PastBackup past(String id, long bytes, long mibPerSecond) {
        return new TimeBudgetFacts.PastBackup(id, bytes, Duration.ofMillis(bytes * 1000 / (mibPerSecond * MIB)));
    }

    static Verdict judge(long appBytes, TimeBudgetFacts budget) {
        Facts f = Facts.backup();
        f.databases.set(0, new DatabaseFacts("app", "app_owner", true, appBytes));
        f.timeBudget = budget;
        return new SupportMatrix(MatrixPolicy.defaults()).judgeBackup(f.build());
    }

    static List<Violation> warnings(Verdict v) {
        return v.violationsOf("time-budget");
    }

    @Test
    void withoutHistoryTheDefaultRateDecidesAndSixtyMinutesIsTheEdge() {
        long edge = 3600 * TimeBudget.DEFAULT_BYTES_PER_SECOND; // exactly 60 minutes at 20 MiB/s
        assertEquals(List.of(), warnings(judge(edge, new TimeBudgetFacts(List.of(), DAY, 2))), "at the edge: none");
        Verdict over = judge(edge + MIB, new TimeBudgetFacts(List.of(), DAY, 2));
        Violation v = warnings(over).get(0);
        assertEquals(Severity.WARNING, v.severity());
        assertTrue(v.problem().contains("60 minutes Functions Premium guarantees"), v.problem());
        assertTrue(v.evidence().contains("no earlier backup of this server to measure: assumed 20.0 MiB/s"), v.evidence());
        assertTrue(v.hint().contains("pgvault.backup.parallelism (now 2") && v.hint().contains("EP2/EP3"), v.hint());
        assertEquals(0, over.errors().size(), "a warning never refuses: " + over.renderErrors());
    }

    @Test
    void theSlowestOfTheLastThreeBackupsSetsTheRateAndAnOlderOneIsIgnored() {
        List<TimeBudgetFacts.PastBackup> history = List.of(past("20261122T020000Z", 9 * GIB, 100),
                past("20261115T020000Z", 9 * GIB, 50), past("20261108T020000Z", 8 * GIB, 200),
                past("20261101T020000Z", 8 * GIB, 1)); // the 4th: too old to count
        Violation v = warnings(judge(10 * GIB, new TimeBudgetFacts(history, Duration.ofMinutes(3), 4))).get(0);
        // 10 GiB at 50 MiB/s = 204.8 s = 3m 24s > 3 minutes
        assertTrue(v.problem().contains("estimated backup duration 3m 24s exceeds the function timeout of 3m 00s"),
                v.problem());
        assertTrue(v.evidence().contains("at 50.0 MiB/s (slowest of the last 3 backup(s)"), v.evidence());
        assertTrue(v.evidence().contains("20261115T020000Z 9.0 GiB in 3m 04s"), v.evidence());
        assertTrue(!v.evidence().contains("20261101T020000Z"), v.evidence());
    }

    @Test
    void aFastEnoughHistoryWithinBothBudgetsWarnsNothing() {
        // 100 GiB at 40 MiB/s = 42m 40s: under 60 minutes and under the timeout (where the default rate would warn)
        var history = List.of(past("20261122T020000Z", 50 * GIB, 40));
        assertEquals(List.of(), warnings(judge(100 * GIB, new TimeBudgetFacts(history, DAY, 1))));
        assertEquals(1, warnings(judge(100 * GIB, new TimeBudgetFacts(List.of(), DAY, 1))).size(), "default rate");
        assertEquals(1, warnings(judge(100 * GIB, new TimeBudgetFacts(history, Duration.ofMinutes(30), 1))).size(),
                "a 30-minute timeout is exceeded");
    }

    @Test
    void unmeasurableRecordsFallBackToTheDefaultRateAndNoFactsMeansNoRule() {
        var empty = List.of(new TimeBudgetFacts.PastBackup("20261122T020000Z", 0, Duration.ofMinutes(5)),
                new TimeBudgetFacts.PastBackup("20261115T020000Z", GIB, Duration.ZERO));
        TimeBudget.Estimate e = TimeBudget.estimate(GIB, new TimeBudgetFacts(empty, DAY, 1));
        assertEquals(TimeBudget.DEFAULT_BYTES_PER_SECOND, e.bytesPerSecond());
        assertEquals(Duration.ofMillis(51_200), e.duration(), "1 GiB at 20 MiB/s");
        assertEquals(List.of(), warnings(judge(100 * GIB, null)), "facts not gathered: rule not judged");
    }
}
