package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** ISO-8601 weeks in UTC, especially around year boundaries. */
class WeekSlotTest {

    @ParameterizedTest
    @CsvSource({
            "2026-12-31T12:00:00Z, 2026-W53", // Thursday: 2026 has 53 ISO weeks
            "2027-01-01T00:00:00Z, 2026-W53", // Friday: still the last week of 2026
            "2027-01-03T23:59:59Z, 2026-W53", // Sunday: last second of 2026-W53
            "2027-01-04T00:00:00Z, 2027-W01", // Monday: the new week-based year starts
            "2024-12-30T00:00:00Z, 2025-W01", // Monday in December: already 2025
            "2024-12-29T23:59:59Z, 2024-W52", // the Sunday before
            "2026-11-23T02:00:00Z, 2026-W48",
            "2021-01-03T10:00:00Z, 2020-W53"
    })
    void isoWeekOfUsesTheWeekBasedYearInUtc(String instant, String week) {
        assertEquals(week, WeekSlot.isoWeekOf(Instant.parse(instant)));
    }

    @Test
    void isoWeekOfIsUtcNotLocalTime() {
        // Sunday 23:30 UTC is Monday in Europe/Berlin, but the slot is UTC: still the old week.
        assertEquals("2026-W47", WeekSlot.isoWeekOf(Instant.parse("2026-11-22T23:30:00Z")));
    }

    @Test
    void weekStartIsMondayMidnightUtc() {
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), WeekSlot.weekStart("2026-W48"));
        assertEquals(Instant.parse("2024-12-30T00:00:00Z"), WeekSlot.weekStart("2025-W01"));
        assertEquals(Instant.parse("2026-12-28T00:00:00Z"), WeekSlot.weekStart("2026-W53"));
    }

    @Test
    void nextWeekStartCrossesTheYearBoundary() {
        WeekSlot last = WeekSlot.free("2026-W53");
        assertEquals(Instant.parse("2027-01-04T00:00:00Z"), last.nextWeekStart());
        assertEquals("2027-W01", WeekSlot.isoWeekOf(last.nextWeekStart()));
    }

    @Test
    void malformedOrNonexistentWeeksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WeekSlot.free("2026-48"));
        assertThrows(IllegalArgumentException.class, () -> WeekSlot.free("2025-W53")); // 2025 has 52 weeks
        assertThrows(IllegalArgumentException.class, () -> WeekSlot.free("2026-W00"));
        assertThrows(NullPointerException.class, () -> WeekSlot.free(null));
    }

    @Test
    void heldOnlyWithAHolder() {
        assertFalse(WeekSlot.free("2026-W48").held());
        assertFalse(new WeekSlot("2026-W48", " ", null).held());
        assertTrue(new WeekSlot("2026-W48", "b-1", Instant.parse("2026-11-23T02:00:00Z")).held());
    }
}
