package io.pgvault.jobs;

/**
 * Elapsed time of one step or run, and its MB/s, for logs and job records (monotonic: {@link System#nanoTime()}).
 * The one place pgvault computes a rate.
 */
public final class Stopwatch {

    private final long startNanos;
    private volatile long stopNanos;

    private Stopwatch(long startNanos) {
        this.startNanos = startNanos;
    }

    /** A stopwatch running from now. */
    public static Stopwatch start() {
        return new Stopwatch(System.nanoTime());
    }

    /** Stops it: from now on it tells the time until this call (the first call counts). */
    public void stop() {
        if (stopNanos == 0) {
            stopNanos = System.nanoTime();
        }
    }

    private long elapsedNanos() {
        long stop = stopNanos;
        return (stop == 0 ? System.nanoTime() : stop) - startNanos;
    }

    public long millis() {
        return elapsedNanos() / 1_000_000;
    }

    public double seconds() {
        return elapsedNanos() / 1e9;
    }

    /** Megabytes (10^6 bytes) per second over the elapsed time, one decimal; 0 for no bytes. */
    public double megabytesPerSecond(long bytes) {
        double secs = Math.max(1e-3, seconds());
        return Math.round(bytes / 1e6 / secs * 10) / 10.0;
    }
}
