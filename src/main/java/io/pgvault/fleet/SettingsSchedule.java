package io.pgvault.fleet;

import io.pgvault.config.PgvaultConfig;

import java.time.DayOfWeek;
import java.util.Locale;

/**
 * The policy of the settings server: the configured retention and compression, and the weekly slot read from
 * {@code BACKUP_SCHEDULE} (the timer's NCRONTAB, {@code "0 0 2 * * Sun"} by default) when it names one day and hour.
 */
final class SettingsSchedule {

    private SettingsSchedule() {
    }

    static BackupPolicy policy(PgvaultConfig config) {
        BackupPolicy defaults = BackupPolicy.defaults(config);
        String cron = System.getenv("BACKUP_SCHEDULE");
        String[] f = cron == null ? new String[0] : cron.trim().split("\\s+");
        if (f.length != 6 || !f[2].matches("\\d{1,2}")) {
            return defaults;
        }
        DayOfWeek day = day(f[5]);
        int hour = Integer.parseInt(f[2]);
        if (day == null || hour > 23) {
            return defaults;
        }
        return new BackupPolicy(day, hour, defaults.weeklyWeeks(), defaults.monthlyMonths(), defaults.yearlyYears(),
                defaults.compression(), defaults.parallelism());
    }

    private static DayOfWeek day(String field) {
        String f = field.toUpperCase(Locale.ROOT);
        if (f.matches("[0-6]")) {
            return DayOfWeek.SUNDAY.plus(Integer.parseInt(f));
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(f) && f.length() >= 3) {
                return d;
            }
        }
        return null;
    }
}
