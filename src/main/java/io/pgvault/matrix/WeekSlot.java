package io.pgvault.matrix;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weekly backup slot of a server: the matrix allows one backup per ISO-8601 week (Monday 00:00 UTC to the next
 * Monday 00:00 UTC), and the first backup of the week claims the slot.
 *
 * @param isoWeek        the week, {@code YYYY-Www} in the ISO week-based year, e.g. {@code "2026-W48"}
 * @param holderBackupId id of the running or committed backup holding the slot; null (or blank) if the slot is free
 * @param claimedAt      when the holder claimed the slot (null if free or unknown)
 */
public record WeekSlot(String isoWeek, String holderBackupId, Instant claimedAt) {

    private static final Pattern ISO_WEEK = Pattern.compile("(\\d{4})-W(\\d{2})");

    /** Validates {@code isoWeek}: a malformed or non-existent week (e.g. a W53 in a 52-week year) is refused. */
    public WeekSlot {
        Objects.requireNonNull(isoWeek, "isoWeek");
        weekStart(isoWeek);
    }

    /** A free slot for the given week. */
    public static WeekSlot free(String isoWeek) {
        return new WeekSlot(isoWeek, null, null);
    }

    /**
     * The ISO-8601 week of an instant, in UTC: {@code 2026-12-31} → {@code "2026-W53"},
     * {@code 2027-01-01} → {@code "2026-W53"}, {@code 2024-12-30} → {@code "2025-W01"}.
     * The year is the week-based year, not the calendar year.
     */
    public static String isoWeekOf(Instant t) {
        ZonedDateTime utc = t.atZone(ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%04d-W%02d",
                utc.get(IsoFields.WEEK_BASED_YEAR), utc.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /**
     * Monday 00:00 UTC that starts the given ISO week.
     *
     * @throws IllegalArgumentException if {@code isoWeek} is not {@code YYYY-Www} or names a week that does not exist
     */
    public static Instant weekStart(String isoWeek) {
        Matcher m = ISO_WEEK.matcher(isoWeek);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an ISO week (expected YYYY-Www, e.g. 2026-W48): " + isoWeek);
        }
        int year = Integer.parseInt(m.group(1));
        int week = Integer.parseInt(m.group(2));
        try {
            // 4 January always lies in week 1 of its week-based year.
            LocalDate monday = LocalDate.of(year, 1, 4)
                    .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week)
                    .with(ChronoField.DAY_OF_WEEK, DayOfWeek.MONDAY.getValue());
            Instant start = monday.atStartOfDay(ZoneOffset.UTC).toInstant();
            // Setting week 53 of a 52-week year silently rolls into the next year's week 1: refuse it.
            if (!isoWeekOf(start).equals(isoWeek)) {
                throw new IllegalArgumentException("no such ISO week: " + isoWeek);
            }
            return start;
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("no such ISO week: " + isoWeek, e);
        }
    }

    /** Whether a backup holds the slot. */
    public boolean held() {
        return holderBackupId != null && !holderBackupId.isBlank();
    }

    /** Monday 00:00 UTC that starts this slot's week. */
    public Instant start() {
        return weekStart(isoWeek);
    }

    /** Monday 00:00 UTC when the next week's slot opens. */
    public Instant nextWeekStart() {
        return start().plus(Duration.ofDays(7));
    }
}
