package io.pgvault.matrix;
import java.time.Instant;
/** Placeholder until the matrix branch lands. */
public record WeekSlot(String isoWeek, String holderBackupId, Instant claimedAt) { public static String isoWeekOf(Instant t) { var d = t.atZone(java.time.ZoneOffset.UTC); return String.format("%d-W%02d", d.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR), d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR)); } }
