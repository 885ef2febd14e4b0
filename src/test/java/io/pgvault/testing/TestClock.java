package io.pgvault.testing;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The tests' clock (the one test clock): set to take real backups at chosen instants (weeks of history in
 * seconds), or shifted from real time (the fault tests take the "earlier backup" a week in the past). Only active
 * in test profiles that enable it ({@code getEnabledAlternatives}); until {@link #set} or {@link #shift} it tells
 * the real time.
 */
@Alternative
@Singleton
public class TestClock extends Clock {

    private volatile Instant fixed;
    private volatile Duration offset = Duration.ZERO;

    /** From now on the clock says {@code t}. */
    public void set(Instant t) {
        fixed = t;
    }

    /** From now on the clock runs with real time, moved by {@code by}. */
    public void shift(Duration by) {
        fixed = null;
        offset = by;
    }

    /** Back to the real time. */
    public void reset() {
        fixed = null;
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        Instant f = fixed;
        return f == null ? Instant.now().plus(offset) : f;
    }
}
