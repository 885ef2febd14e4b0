package io.pgvault.matrix;

import java.time.Duration;
import java.util.Locale;

/**
 * The one formatter of sizes, durations and rates for people: the CLI, the status page, the matrix's evidence
 * and the docs' examples. Sizes are binary ({@code 1.5 MiB}); JSON keeps exact byte counts, never these strings.
 * Lives in the pure matrix package because the matrix renders evidence with it and may depend on nothing else.
 */
public final class Units {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /** Below this many bytes or this long, a rate says nothing (a 500-byte file "at 0.0 MB/s"): none is shown. */
    static final long RATE_MIN_BYTES = 1L << 20;
    static final Duration RATE_MIN_TIME = Duration.ofSeconds(1);

    private Units() {
    }

    /** {@code 524288000} → {@code "500.0 MiB"}; below 1 KiB plain bytes ({@code "1023 B"}). */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (unit < UNITS.length - 1 && Math.round(value * 10) >= 1024 * 10) {
            value /= 1024; // compares the rounded value: 1048575 B is "1.0 MiB", never "1024.0 KiB"
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code "500.0 MiB (524288000 bytes)"}: the unit for people, the exact number for checking. */
    public static String bytesAndExact(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes(bytes) + " (" + bytes + " bytes)";
    }

    /** {@code 850 ms}, {@code 59.9s}, {@code 1m 00s}, {@code 1m 12s}, {@code 1h 05m}; each unit truncated. */
    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long tenths = ms / 100; // truncated, never rounded up: 59.96 s is "59.9s", not "60.0s"
        if (tenths < 600) {
            return String.format(Locale.ROOT, "%d.%ds", tenths / 10, tenths % 10);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }

    /** A rate: {@code "20.0 MiB/s"}. */
    public static String bytesPerSecond(long bytesPerSecond) {
        return bytes(bytesPerSecond) + "/s";
    }

    /**
     * The rate of {@code bytes} over {@code took}, or {@code ""} when it says nothing: less than 1 MiB or less
     * than a second.
     */
    public static String rate(long bytes, Duration took) {
        if (bytes < RATE_MIN_BYTES || took.compareTo(RATE_MIN_TIME) < 0) {
            return "";
        }
        return bytesPerSecond(Math.round(bytes * 1000.0 / took.toMillis()));
    }

    /**
     * Time left to reach {@code total} at the average rate so far, or null when unknown (no total, nothing done
     * yet, less than a second elapsed, or already past the total — estimated sizes can be exceeded).
     */
    public static Duration eta(long done, long total, Duration elapsed) {
        if (total <= 0 || done <= 0 || done >= total || elapsed.compareTo(RATE_MIN_TIME) < 0) {
            return null;
        }
        return Duration.ofMillis(Math.round(elapsed.toMillis() * (double) (total - done) / done));
    }
}
