package io.pgvault.fanout;

import io.pgvault.fanout.DueSlot.WeekState;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The due-slot arithmetic: policy day and hour in UTC, ISO weeks, and what the week already has. */
class DueSlotTest {

    // 2026-11-23 is a Monday (ISO week 2026-W48); 2026-11-29 the Sunday of the same week.
    private static final Instant SUNDAY_0159 = Instant.parse("2026-11-29T01:59:59Z");
    private static final Instant SUNDAY_0200 = Instant.parse("2026-11-29T02:00:00Z");
    private static final Instant SUNDAY_2359 = Instant.parse("2026-11-29T23:59:59Z");
    private static final Instant NEXT_MONDAY = Instant.parse("2026-11-30T00:00:00Z");

    @Test
    void theSlotIsThePolicyDayAndHourInsideTheIsoWeek() {
        assertEquals(Instant.parse("2026-11-29T02:00:00Z"), DueSlot.slotOfWeek(Instant.parse("2026-11-23T00:00:00Z"),
                DayOfWeek.SUNDAY, 2));
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), DueSlot.slotOfWeek(SUNDAY_2359, DayOfWeek.MONDAY, 0));
        assertEquals(Instant.parse("2026-11-26T23:00:00Z"), DueSlot.slotOfWeek(SUNDAY_0200, DayOfWeek.THURSDAY, 23));
    }

    @Test
    void dueFromTheSlotUntilTheWeekEndsWhenTheWeekIsFree() {
        assertFalse(DueSlot.due(SUNDAY_0159, DayOfWeek.SUNDAY, 2, WeekState.FREE), "one second early");
        assertTrue(DueSlot.due(SUNDAY_0200, DayOfWeek.SUNDAY, 2, WeekState.FREE), "at the slot");
        assertTrue(DueSlot.due(SUNDAY_2359, DayOfWeek.SUNDAY, 2, WeekState.FREE), "a missed slot stays due all week");
        // Monday starts a new ISO week: Sunday's slot of that week has not come yet.
        assertFalse(DueSlot.due(NEXT_MONDAY, DayOfWeek.SUNDAY, 2, WeekState.FREE));
    }

    @Test
    void neverDueWhenTheWeekIsQueuedRunningOrCommitted() {
        for (WeekState s : new WeekState[] {WeekState.QUEUED, WeekState.RUNNING, WeekState.COMMITTED}) {
            assertFalse(DueSlot.due(SUNDAY_2359, DayOfWeek.SUNDAY, 2, s), s.name());
            assertFalse(DueSlot.due(SUNDAY_2359, DayOfWeek.MONDAY, 0, s), s.name());
        }
    }

    @Test
    void isoWeeksAcrossTheYearBoundary() {
        // 2027-01-01 (a Friday) still belongs to 2026-W53; its Monday is 2026-12-28.
        Instant newYear = Instant.parse("2027-01-01T12:00:00Z");
        assertEquals("2026-W53", DueSlot.isoWeek(newYear));
        assertEquals(Instant.parse("2026-12-28T03:00:00Z"), DueSlot.slotOfWeek(newYear, DayOfWeek.MONDAY, 3));
        assertTrue(DueSlot.due(newYear, DayOfWeek.MONDAY, 3, WeekState.FREE));
        assertEquals("2025-W01", DueSlot.isoWeek(Instant.parse("2024-12-30T00:00:00Z")));
    }

    @Test
    void theNextSlot() {
        assertEquals(SUNDAY_0200, DueSlot.nextSlot(SUNDAY_0159, DayOfWeek.SUNDAY, 2, WeekState.FREE));
        assertEquals(SUNDAY_2359, DueSlot.nextSlot(SUNDAY_2359, DayOfWeek.SUNDAY, 2, WeekState.FREE), "due: now");
        assertEquals(Instant.parse("2026-12-06T02:00:00Z"),
                DueSlot.nextSlot(SUNDAY_0200, DayOfWeek.SUNDAY, 2, WeekState.COMMITTED));
    }

    @Test
    void anHourOutsideTheDayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DueSlot.slotOfWeek(SUNDAY_0200, DayOfWeek.SUNDAY, 24));
        assertThrows(IllegalArgumentException.class, () -> DueSlot.due(SUNDAY_0200, DayOfWeek.SUNDAY, -1, WeekState.FREE));
    }
}
