package io.pgvault.retention;

import io.pgvault.errors.ErrorKind;
import io.pgvault.testing.Errors;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retention rules alone (pure): which backups each rule keeps, worked out by hand on a calendar. */
class RetentionPolicyTest {

    /** Sundays 02:00 UTC from 2025-10-05 to 2026-02-15: 20 weekly backups across a month and a year boundary. */
    static List<RetentionPolicy.Backup> twentySundays() {
        List<RetentionPolicy.Backup> out = new ArrayList<>();
        LocalDate d = LocalDate.of(2025, 10, 5);
        for (int i = 0; i < 20; i++) {
            Instant t = d.plusWeeks(i).atTime(2, 0).toInstant(ZoneOffset.UTC);
            out.add(new RetentionPolicy.Backup(io.pgvault.vault.BackupLayout.newBackupId(t), t));
        }
        return out;
    }

    static Set<String> kept(RetentionPolicy p, List<RetentionPolicy.Backup> backups, Instant now) {
        Set<String> out = new TreeSet<>();
        p.judge(backups, now).forEach((id, j) -> {
            if (j.kept()) {
                out.add(id.substring(0, 8));
            }
        });
        return out;
    }

    static final Instant NOW = Instant.parse("2026-02-15T03:00:00Z"); // Sunday of ISO week 2026-W07

    @Test
    void weeklyKeepsTheLastNIsoWeeksCountingTheCurrentOne() {
        assertEquals(Set.of("20260125", "20260201", "20260208", "20260215"),
                kept(new RetentionPolicy(4, 0, 0), twentySundays(), NOW));
        assertEquals(Set.of("20260215"), kept(new RetentionPolicy(1, 0, 0), twentySundays(), NOW));
        // The last second of W07, then Monday of W08: W08 is week 1 of 2, so 02-08 (W06) falls out.
        assertEquals(Set.of("20260208", "20260215"),
                kept(new RetentionPolicy(2, 0, 0), twentySundays(), Instant.parse("2026-02-16T00:00:00Z").minusSeconds(1)));
        assertEquals(Set.of("20260215"),
                kept(new RetentionPolicy(2, 0, 0), twentySundays(), Instant.parse("2026-02-16T00:00:00Z")));
    }

    @Test
    void monthlyAndYearlyKeepTheFirstBackupOfEachMonthAndYearInTheirWindow() {
        // Firsts: 2025-10-05, 11-02, 12-07, 2026-01-04, 02-01. Last 3 months at NOW: Dec, Jan, Feb.
        assertEquals(Set.of("20251207", "20260104", "20260201", "20260208", "20260215", "20260125"),
                kept(new RetentionPolicy(4, 3, 0), twentySundays(), NOW));
        // Yearly 2: first of 2025 (10-05) and of 2026 (01-04).
        assertEquals(Set.of("20251005", "20251207", "20260104", "20260125", "20260201", "20260208", "20260215"),
                kept(new RetentionPolicy(4, 3, 2), twentySundays(), NOW));
        assertEquals(Set.of("20260104", "20260125", "20260201", "20260208", "20260215"),
                kept(new RetentionPolicy(4, 0, 1), twentySundays(), NOW));
    }

    @Test
    void everyJudgementSaysWhyForEachRule() {
        Map<String, RetentionPolicy.Judgement> j = new RetentionPolicy(4, 3, 2).judge(twentySundays(), NOW);
        RetentionPolicy.Judgement nov9 = j.get("20251109T020000Z");
        assertEquals(List.of(), nov9.keep());
        assertEquals(List.of("weekly: week 2025-W45 is older than the last 4 week(s)",
                "monthly: not the first backup of 2025-11", "yearly: not the first backup of 2025"), nov9.drop());
        RetentionPolicy.Judgement nov2 = j.get("20251102T020000Z");
        assertTrue(nov2.drop().contains("monthly: first backup of 2025-11, older than the last 3 month(s)"), nov2.drop().toString());
        assertEquals(List.of("monthly: first backup of 2026-01, within the last 3 month(s)",
                "yearly: first backup of 2026, within the last 2 year(s)"), j.get("20260104T020000Z").keep());
    }

    @Test
    void backupsLaterThanNowAreKeptAndSettingsOutOfRangeAreRefused() {
        // now: Sunday 2026-02-01 00:00 (W05); 02-01 02:00 is later the same week, 02-08 and 02-15 in later weeks.
        assertEquals(Set.of("20260201", "20260208", "20260215"),
                kept(new RetentionPolicy(1, 0, 0), twentySundays(), Instant.parse("2026-02-01T00:00:00Z")));
        Errors.assertKind(ErrorKind.CONFIGURATION, () -> new RetentionPolicy(0, 0, 0));
        Errors.assertKind(ErrorKind.CONFIGURATION, () -> new RetentionPolicy(1, -1, 0));
    }
}
