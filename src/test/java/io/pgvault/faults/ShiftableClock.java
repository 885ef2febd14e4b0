package io.pgvault.faults;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, optionally shifted: the fault tests take the "earlier backup" a week in the past with it, so
 * that it holds last week's slot and a backup of this week can run (and fail) next to it. Enabled only by
 * {@link FaultsProfile}; with no shift it is {@code Clock.systemUTC()}.
 */
@Alternative
@ApplicationScoped
public class ShiftableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    /** Moves the clock by {@code by} from real time until {@link #reset()}. */
    public void shift(Duration by) {
        offset = by;
    }

    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }
}
