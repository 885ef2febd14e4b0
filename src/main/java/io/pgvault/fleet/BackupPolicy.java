package io.pgvault.fleet;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.retention.RetentionPolicy;

import java.time.DayOfWeek;
import java.util.Optional;

/**
 * When and how one registered server is backed up: the weekly slot (day of week and hour, UTC), the retention
 * rules, the compression and the number of databases dumped at once (0: one per core).
 *
 * @param dayOfWeek     day of the weekly backup (UTC)
 * @param hourUtc       hour of the weekly backup, 0-23 (UTC)
 * @param weeklyWeeks   retention: keep the backups of the last N ISO weeks (at least 1)
 * @param monthlyMonths retention: keep the first backup of each of the last M months (0: off)
 * @param yearlyYears   retention: keep the first backup of each of the last Y years (0: off)
 * @param compression   {@code zstd}, {@code gzip:N} or {@code none}
 * @param parallelism   databases dumped at once; 0: one per processor core
 */
public record BackupPolicy(DayOfWeek dayOfWeek, int hourUtc, int weeklyWeeks, int monthlyMonths, int yearlyYears,
        String compression, int parallelism) {

    /** Today's single-server defaults: Sunday 02:00 UTC (BACKUP_SCHEDULE's default) and the configured rules. */
    public static BackupPolicy defaults(PgvaultConfig config) {
        Settings s = new Settings(config);
        return new BackupPolicy(DayOfWeek.SUNDAY, 2, s.weeklyWeeks(), s.monthlyMonths(), s.yearlyYears(),
                Settings.text("PGVAULT_BACKUP_COMPRESSION", config.backup().compression()), s.backupParallelism());
    }

    /** The policy with every missing value taken from {@code defaults}. */
    public BackupPolicy orDefaults(BackupPolicy defaults) {
        return new BackupPolicy(dayOfWeek == null ? defaults.dayOfWeek : dayOfWeek, hourUtc,
                weeklyWeeks == 0 ? defaults.weeklyWeeks : weeklyWeeks, monthlyMonths, yearlyYears,
                compression == null || compression.isBlank() ? defaults.compression : compression, parallelism);
    }

    /** The retention rules of this policy. */
    public RetentionPolicy retention() {
        return new RetentionPolicy(weeklyWeeks, monthlyMonths, yearlyYears);
    }

    /** Throws INVALID_REQUEST naming the first bad value. */
    public BackupPolicy check() {
        require(dayOfWeek != null, "policy.dayOfWeek is missing", "Use a day such as \"SUNDAY\".");
        require(hourUtc >= 0 && hourUtc <= 23, "policy.hourUtc: " + hourUtc, "Use an hour from 0 to 23 (UTC).");
        require(weeklyWeeks >= 1 && weeklyWeeks <= 520, "policy.weeklyWeeks: " + weeklyWeeks,
                "Keep the backups of 1 to 520 weeks (13 is about 3 months).");
        require(monthlyMonths >= 0 && monthlyMonths <= 1200, "policy.monthlyMonths: " + monthlyMonths,
                "Use 0 (off) to 1200 months.");
        require(yearlyYears >= 0 && yearlyYears <= 100, "policy.yearlyYears: " + yearlyYears, "Use 0 (off) to 100 years.");
        require(parallelism >= 0 && parallelism <= 64, "policy.parallelism: " + parallelism,
                "Use 0 (one dump per core) to 64.");
        try {
            Settings.parseCompression("policy.compression", Optional.ofNullable(compression));
        } catch (PgvaultException e) {
            require(false, "policy.compression: " + io.pgvault.vault.BackupLayout.printable(compression),
                    "Use zstd[:1-19] (the default), gzip[:1-9] or none.");
        }
        return this;
    }

    private static void require(boolean ok, String evidence, String hint) {
        if (!ok) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The backup policy is not valid.", evidence, hint);
        }
    }
}
