package io.pgvault.cli;

import io.pgvault.jobs.LiveMeters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lines of the live display ({@link ProgressDisplay}) for meters with and without a known total. */
class ProgressLinesTest {

    @Test
    void aLiveLineShowsPercentOnlyWithATotalAndNothingForAnUnmeasuredItem() {
        try (LiveMeters.Meter known = LiveMeters.open("prod/app", 4L << 20);
             LiveMeters.Meter unknown = LiveMeters.open("prod/(roles)", 0);
             LiveMeters.Meter past = LiveMeters.open("prod/big", 1L << 20)) {
            known.set(1L << 20);
            String line = ProgressDisplay.liveLine(known);
            assertTrue(line.startsWith("  prod/app ") && line.contains("1.0 MiB of ~4.0 MiB   25%"), line);

            String idle = ProgressDisplay.liveLine(unknown);
            assertTrue(idle.contains(" … ") && !idle.contains("%") && !idle.contains(" of ~"), idle);

            past.set(3L << 20); // the dump outgrew pg_database_size: no percent over 100, no ETA
            String over = ProgressDisplay.liveLine(past);
            assertTrue(over.contains("3.0 MiB of ~1.0 MiB") && !over.contains("%") && !over.contains("ETA"), over);
        }
    }

    @Test
    void aFinishedLineSaysDoneOrFailedWithSizeAndTime() {
        LiveMeters.Meter ok = LiveMeters.open("prod/app", 0);
        ok.set(1536);
        ok.close();
        String done = ProgressDisplay.finishedLine(ok);
        assertTrue(done.startsWith("done   prod/app ") && done.contains("1.5 KiB in "), done);
        assertFalse(done.contains("/s"), "no rate for 1.5 KiB: " + done);

        LiveMeters.Meter bad = LiveMeters.open("prod/app", 0);
        bad.failed();
        bad.close();
        assertTrue(ProgressDisplay.finishedLine(bad).startsWith("FAILED prod/app "), ProgressDisplay.finishedLine(bad));
    }
}
