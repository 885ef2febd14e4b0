package io.pgvault.jobs;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LiveMeters}: a meter is listed while it runs; a finished one is kept for its last line only while a display
 * watches (in Azure nothing does, so nothing piles up); a polled meter reads its source until it closes, then keeps
 * the last value.
 */
class LiveMetersTest {

    @Test
    void finishedMetersAreKeptOnlyWhileADisplayWatches() {
        LiveMeters.drainFinished();
        LiveMeters.Meter unwatched = LiveMeters.open("unwatched", 10);
        assertTrue(LiveMeters.active().contains(unwatched));
        unwatched.close();
        assertFalse(LiveMeters.active().contains(unwatched));
        assertTrue(LiveMeters.drainFinished().isEmpty(), "no display: a finished meter is dropped");

        LiveMeters.watch(true);
        try {
            LiveMeters.Meter watched = LiveMeters.open("watched", 10);
            watched.set(7);
            watched.failed();
            watched.close();
            watched.close(); // the first close counts
            var finished = LiveMeters.drainFinished();
            assertEquals(1, finished.size(), finished.toString());
            assertEquals(7, finished.get(0).bytes());
            assertTrue(finished.get(0).isFailed());
            assertTrue(LiveMeters.drainFinished().isEmpty(), "drained once");
        } finally {
            LiveMeters.watch(false);
        }
    }

    @Test
    void aPolledMeterReadsItsSourceUntilItCloses() {
        AtomicLong source = new AtomicLong(5);
        LiveMeters.Meter m = LiveMeters.openPolled("polled", 0, source::get);
        assertEquals(5, m.bytes());
        source.set(9);
        assertEquals(9, m.bytes());
        m.close();
        source.set(1_000);
        assertEquals(9, m.bytes(), "the value at close");
        LiveMeters.Meter failing = LiveMeters.openPolled("failing", 0, () -> {
            throw new IllegalStateException("file not there yet");
        });
        assertEquals(0, failing.bytes(), "a source that fails reads as the last value");
        failing.close();
    }
}
