package io.pgvault.fanout;

import io.pgvault.matrix.WeekSlot;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/**
 * When a server's weekly backup is due, as plain arithmetic (no storage, no clock of its own): a policy names a
 * day of the week and an hour (UTC); the slot of an ISO week is that day and hour inside it. A server is due once
 * its slot of the current ISO week has come and the week has no backup committed, running or already queued.
 */
public final class DueSlot {

    private DueSlot() {
    }

    /** What the current ISO week of a server already has. */
    public enum WeekState {
        /** Nothing: no backup committed, running or queued. */
        FREE,
        /** A backup message is waiting in the queue (or being retried). */
        QUEUED,
        /** A backup holds the week's claim and is still running. */
        RUNNING,
        /** The week's backup is committed. */
        COMMITTED
    }

    /** The ISO week (UTC) of an instant, e.g. {@code 2026-W48}. */
    public static String isoWeek(Instant t) {
        return WeekSlot.isoWeekOf(t);
    }

    /** The slot ({@code day} at {@code hourUtc}:00 UTC) inside the ISO week that contains {@code now}. */
    public static Instant slotOfWeek(Instant now, DayOfWeek day, int hourUtc) {
        checkHour(hourUtc);
        LocalDate monday = now.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return monday.plusDays(day.getValue() - 1L).atTime(hourUtc, 0).toInstant(ZoneOffset.UTC);
    }

    /** Whether a backup should be queued now: the week's slot has come and the week has nothing yet. */
    public static boolean due(Instant now, DayOfWeek day, int hourUtc, WeekState week) {
        return week == WeekState.FREE && !now.isBefore(slotOfWeek(now, day, hourUtc));
    }

    /**
     * The next slot a backup will be queued at: this week's if it has not come and the week is free, now if it is
     * due, else next week's.
     */
    public static Instant nextSlot(Instant now, DayOfWeek day, int hourUtc, WeekState week) {
        Instant thisWeek = slotOfWeek(now, day, hourUtc);
        if (week == WeekState.FREE) {
            return now.isBefore(thisWeek) ? thisWeek : now;
        }
        return thisWeek.plus(java.time.Duration.ofDays(7));
    }

    private static void checkHour(int hourUtc) {
        if (hourUtc < 0 || hourUtc > 23) {
            throw new IllegalArgumentException("hour (UTC) must be 0-23, was " + hourUtc);
        }
    }
}
