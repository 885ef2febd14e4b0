package io.pgvault.matrix;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Rule {@code time-budget} (WARNING): the backup's estimated duration against the function's timeout and the 60
 * minutes the Functions Premium plan guarantees an execution. The estimate is the included databases' size
 * divided by the slowest throughput (database bytes per second of wall time) of the server's last three committed
 * backups; with no usable history, by {@link #DEFAULT_BYTES_PER_SECOND}. Slowest, not average: a warning that
 * comes a week early costs less than a backup killed at the timeout.
 */
public final class TimeBudget {

    /** What Functions Premium guarantees an execution; beyond it the instance may be recycled (e.g. upgrades). */
    public static final Duration PREMIUM_GUARANTEE = Duration.ofMinutes(60);

    /**
     * Rate assumed with no history: 20 MiB of database per second (72 GiB an hour), deliberately below what one
     * pg_dump stream with zstd reaches on 2 cores (see docs/performance.md), so a first backup is warned early.
     */
    public static final long DEFAULT_BYTES_PER_SECOND = 20L << 20;

    /** Past backups the estimate looks at. */
    static final int RECENT = 3;

    private TimeBudget() {
    }

    /** The estimate and what it rests on. */
    public record Estimate(Duration duration, long bytesPerSecond, String basis) {
    }

    /** Estimates a backup of {@code databaseBytes} from {@code facts}. */
    public static Estimate estimate(long databaseBytes, TimeBudgetFacts facts) {
        List<TimeBudgetFacts.PastBackup> usable = facts.recentBackups().stream().filter(b -> b.bytesPerSecond() > 0)
                .limit(RECENT).toList();
        if (usable.isEmpty()) {
            return new Estimate(duration(databaseBytes, DEFAULT_BYTES_PER_SECOND), DEFAULT_BYTES_PER_SECOND,
                    "no earlier backup of this server to measure: assumed " + rate(DEFAULT_BYTES_PER_SECOND));
        }
        TimeBudgetFacts.PastBackup slowest = usable.get(0);
        for (TimeBudgetFacts.PastBackup b : usable) {
            slowest = b.bytesPerSecond() < slowest.bytesPerSecond() ? b : slowest;
        }
        String runs = usable.stream().map(b -> b.backupId() + " " + Units.bytes(b.databaseBytes()) + " in "
                + human(b.took())).collect(Collectors.joining(", "));
        return new Estimate(duration(databaseBytes, slowest.bytesPerSecond()), slowest.bytesPerSecond(),
                "slowest of the last " + usable.size() + " backup(s) (" + runs + "): " + rate(slowest.bytesPerSecond()));
    }

    /** Adds the warning to {@code found} if the estimate exceeds the timeout or Premium's 60 minutes. */
    static void check(DatabaseSelection selection, TimeBudgetFacts facts, List<Violation> found) {
        if (facts == null || selection.included().isEmpty()) {
            return;
        }
        long bytes = selection.includedSizeBytes();
        Estimate e = estimate(bytes, facts);
        boolean overTimeout = e.duration().compareTo(facts.functionTimeout()) > 0;
        if (!overTimeout && e.duration().compareTo(PREMIUM_GUARANTEE) <= 0) {
            return;
        }
        String problem = overTimeout
                ? "estimated backup duration " + human(e.duration()) + " exceeds the function timeout of "
                        + human(facts.functionTimeout()) + ": the host would stop the backup before it commits"
                : "estimated backup duration " + human(e.duration()) + " exceeds the 60 minutes Functions Premium"
                        + " guarantees an execution: the instance may be recycled before the backup commits";
        found.add(MatrixRule.TIME_BUDGET.violation(problem,
                "included databases " + Units.bytesAndExact(bytes) + " at " + rate(e.bytesPerSecond()) + " ("
                        + e.basis() + "); function timeout " + human(facts.functionTimeout()) + "; parallelism "
                        + facts.parallelism() + "; largest database " + largest(selection),
                "Shorten the backup: raise pgvault.backup.parallelism (now " + facts.parallelism() + "; databases are"
                        + " dumped at once, up to one per core) on a larger Premium plan (EP2/EP3: more cores and"
                        + " memory), or run it from bin/pgvault on a VM, which has no timeout. A database larger than"
                        + " pgvault.backup.split-database-bytes is dumped in parts by several streams at once: lower"
                        + " it to spread a large database over the parallelism. Keep host.json functionTimeout and"
                        + " pgvault.backup.time-budget above the estimate."));
    }

    private static String largest(DatabaseSelection selection) {
        return selection.included().stream().max(java.util.Comparator.comparingLong(DatabaseFacts::sizeBytes))
                .map(db -> db.name() + " " + Units.bytes(db.sizeBytes())).orElse("none");
    }

    private static Duration duration(long bytes, long bytesPerSecond) {
        return Duration.ofMillis((long) Math.ceil(bytes * 1000.0 / bytesPerSecond));
    }

    static String rate(long bytesPerSecond) {
        return Units.bytesPerSecond(bytesPerSecond);
    }

    static String human(Duration d) {
        return Units.duration(d);
    }
}
