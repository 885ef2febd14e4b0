package io.pgvault.testing;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests can set, to take real backups at chosen instants (weeks of history in seconds). Only active
 * in test profiles that enable it ({@code getEnabledAlternatives}); until {@link #set} it tells the real time.
 */
@Alternative
@Singleton
public class TestClock extends Clock {

    private volatile Instant fixed;

    /** From now on the clock says {@code t}. */
    public void set(Instant t) {
        fixed = t;
    }

    /** Back to the real time. */
    public void reset() {
        fixed = null;
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
        return f == null ? Instant.now() : f;
    }
}
