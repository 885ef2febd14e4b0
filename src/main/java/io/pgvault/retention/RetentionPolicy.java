package io.pgvault.retention;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The retention rules, as Azure Backup's weekly policy with tagged rules: a backup is kept while any rule keeps
 * it. Weekly: the backups of the last {@code weeklyWeeks} ISO weeks (UTC; the week of {@code now} counts).
 * Monthly: the first backup of each of the last {@code monthlyMonths} calendar months. Yearly: the first backup
 * of each of the last {@code yearlyYears} calendar years. "First" is the earliest committed backup of that
 * month or year still in the vault. Pure: the guards that never delete (newest backup, immutability, failed
 * verification) are applied by {@link RetentionService}.
 */
public record RetentionPolicy(int weeklyWeeks, int monthlyMonths, int yearlyYears) {

    public RetentionPolicy {
        if (weeklyWeeks < 1 || monthlyMonths < 0 || yearlyYears < 0) {
            throw new PgvaultException(ErrorKind.CONFIGURATION, "The retention settings are out of range.",
                    "weekly-weeks " + weeklyWeeks + ", monthly-months " + monthlyMonths + ", yearly-years " + yearlyYears,
                    "Set PGVAULT_RETENTION_WEEKLY_WEEKS to 1 or more, and the monthly and yearly settings to 0 (off) or more.");
        }
    }

    /** The policy configured in {@code pgvault.retention.*}. */
    public static RetentionPolicy of(PgvaultConfig.Retention r) {
        return new RetentionPolicy(r.weeklyWeeks(), r.monthlyMonths(), r.yearlyYears());
    }

    /** A committed backup, as the rules see it. */
    public record Backup(String backupId, Instant startedAt) {
    }

    /** Why the rules keep a backup ({@code keep}, empty if none does) and why each rule does not ({@code drop}). */
    public record Judgement(List<String> keep, List<String> drop) {
        public boolean kept() {
            return !keep.isEmpty();
        }
    }

    /** One line for a report: {@code weekly 13 weeks, monthly off, yearly 2 years}. */
    public String describe() {
        return "weekly " + weeklyWeeks + " week(s), monthly " + (monthlyMonths == 0 ? "off" : monthlyMonths + " month(s)")
                + ", yearly " + (yearlyYears == 0 ? "off" : yearlyYears + " year(s)");
    }

    /** Judges every backup at {@code now}; keyed by backup id, in the order given. */
    public Map<String, Judgement> judge(List<Backup> backups, Instant now) {
        Firsts firsts = Firsts.of(backups);
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        Map<String, Judgement> out = new LinkedHashMap<>();
        for (Backup b : backups) {
            out.put(b.backupId(), judge(b, today, firsts));
        }
        return out;
    }

    /** The first (earliest) backup of each calendar month and year. */
    private record Firsts(Map<YearMonth, Backup> ofMonth, Map<Year, Backup> ofYear) {
        static Firsts of(List<Backup> backups) {
            Map<YearMonth, Backup> firstOfMonth = new HashMap<>();
            Map<Year, Backup> firstOfYear = new HashMap<>();
            List<Backup> oldestFirst = new ArrayList<>(backups);
            oldestFirst.sort(Comparator.comparing(Backup::startedAt).thenComparing(Backup::backupId));
            for (Backup b : oldestFirst) {
                firstOfMonth.putIfAbsent(YearMonth.from(b.startedAt().atZone(ZoneOffset.UTC)), b);
                firstOfYear.putIfAbsent(Year.from(b.startedAt().atZone(ZoneOffset.UTC)), b);
            }
            return new Firsts(firstOfMonth, firstOfYear);
        }
    }

    /** One backup against each rule: weekly, then monthly and yearly where they are on. */
    private Judgement judge(Backup b, LocalDate today, Firsts firsts) {
        List<String> keep = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        LocalDate day = b.startedAt().atZone(ZoneOffset.UTC).toLocalDate();
        String week = isoWeek(day);
        if (ChronoUnit.WEEKS.between(monday(day), monday(today)) < weeklyWeeks) {
            keep.add("weekly: week " + week + " is within the last " + weeklyWeeks + " week(s)");
        } else {
            drop.add("weekly: week " + week + " is older than the last " + weeklyWeeks + " week(s)");
        }
        YearMonth month = YearMonth.from(day);
        if (monthlyMonths > 0) {
            firstOfPeriod("monthly", month, firsts.ofMonth().get(month).backupId().equals(b.backupId()),
                    ChronoUnit.MONTHS.between(month, YearMonth.from(today)), monthlyMonths, "month(s)", keep, drop);
        }
        Year year = Year.from(day);
        if (yearlyYears > 0) {
            firstOfPeriod("yearly", year, firsts.ofYear().get(year).backupId().equals(b.backupId()),
                    ChronoUnit.YEARS.between(year, Year.from(today)), yearlyYears, "year(s)", keep, drop);
        }
        return new Judgement(List.copyOf(keep), List.copyOf(drop));
    }

    /** The monthly or yearly rule: keeps the first backup of each of the last {@code last} periods. */
    private static void firstOfPeriod(String rule, Object period, boolean first, long periodsAgo, int last, String unit,
            List<String> keep, List<String> drop) {
        if (first && periodsAgo < last) {
            keep.add(rule + ": first backup of " + period + ", within the last " + last + " " + unit);
        } else {
            drop.add(first ? rule + ": first backup of " + period + ", older than the last " + last + " " + unit
                    : rule + ": not the first backup of " + period);
        }
    }

    private static LocalDate monday(LocalDate d) {
        return d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    private static String isoWeek(LocalDate d) {
        return String.format("%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
