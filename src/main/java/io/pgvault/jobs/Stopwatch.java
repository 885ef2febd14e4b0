package io.pgvault.jobs;

/** Elapsed time of one step or run, for logs and job records (monotonic: {@link System#nanoTime()}). */
public final class Stopwatch {

    private final long startNanos;

    private Stopwatch(long startNanos) {
        this.startNanos = startNanos;
    }

    /** A stopwatch running from now. */
    public static Stopwatch start() {
        return new Stopwatch(System.nanoTime());
    }

    public long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Megabytes (10^6 bytes) per second over the elapsed time, one decimal; 0 for no bytes. */
    public double megabytesPerSecond(long bytes) {
        double secs = Math.max(1e-3, seconds());
        return Math.round(bytes / 1e6 / secs * 10) / 10.0;
    }
}
