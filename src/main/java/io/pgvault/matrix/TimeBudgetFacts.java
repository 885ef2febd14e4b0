package io.pgvault.matrix;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the {@code time-budget} rule judges besides the server's size: how fast this server's last backups went and
 * how long a backup may run.
 *
 * @param recentBackups   the server's last committed backups, newest first (the rule uses at most three)
 * @param functionTimeout the function's timeout (host.json {@code functionTimeout}, mirrored by the setting
 *                        {@code pgvault.backup.time-budget})
 * @param parallelism     databases dumped at once (the setting, 0 already resolved to the processor count)
 */
public record TimeBudgetFacts(List<PastBackup> recentBackups, Duration functionTimeout, int parallelism) {

    /** Requires a positive timeout; no history is an empty list. */
    public TimeBudgetFacts {
        recentBackups = recentBackups == null ? List.of() : List.copyOf(recentBackups);
        Objects.requireNonNull(functionTimeout, "functionTimeout");
        if (functionTimeout.isNegative() || functionTimeout.isZero()) {
            throw new IllegalArgumentException("functionTimeout must be positive: " + functionTimeout);
        }
    }

    /**
     * One committed backup of the server.
     *
     * @param backupId      its id
     * @param databaseBytes the sum of {@code pg_database_size} of the databases it dumped (as its manifest recorded)
     * @param took          from its start to its manifest's commit
     */
    public record PastBackup(String backupId, long databaseBytes, Duration took) {

        /** Bytes of database per second of wall time; 0 for a record too short or empty to measure. */
        public long bytesPerSecond() {
            long millis = took == null ? 0 : took.toMillis();
            return millis <= 0 || databaseBytes <= 0 ? 0 : (long) (databaseBytes * 1000.0 / millis);
        }
    }
}
