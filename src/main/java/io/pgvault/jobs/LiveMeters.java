package io.pgvault.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Live byte counters of the work running in this process (a dump, a copy, a read-back, a download), for the
 * CLI's progress display ({@code io.pgvault.cli.ProgressDisplay}). The work only writes a volatile counter
 * ({@link Meter#set}): no lock, no formatting, no I/O on its path; the display reads the counters a few times a
 * second on its own thread. Nothing reads them in Azure: without a display a finished meter is simply dropped.
 *
 * <pre>{@code
 * try (LiveMeters.Meter m = LiveMeters.open("restore app.dump", expectedBytes)) {   // total 0 = unknown
 *     ... m.set(bytesSoFar) ...;                                                  // or openPolled(...)
 * }
 * }</pre>
 */
public final class LiveMeters {

    private static final List<Meter> ACTIVE = new CopyOnWriteArrayList<>();
    private static final Queue<Meter> FINISHED = new ConcurrentLinkedQueue<>();
    private static volatile int watchers;

    private LiveMeters() {
    }

    /** A running meter; {@code totalBytes} 0 when the total is not known. */
    public static Meter open(String label, long totalBytes) {
        return register(new Meter(label, totalBytes, null));
    }

    /** A meter whose bytes come from {@code bytes}, asked by the display (e.g. the size of a file being written). */
    public static Meter openPolled(String label, long totalBytes, LongSupplier bytes) {
        return register(new Meter(label, totalBytes, bytes));
    }

    private static Meter register(Meter m) {
        ACTIVE.add(m);
        return m;
    }

    /** The meters running now, oldest first. */
    public static List<Meter> active() {
        return new ArrayList<>(ACTIVE);
    }

    /** Meters finished since the last call (only while a display watches), for their last line. */
    public static List<Meter> drainFinished() {
        List<Meter> done = new ArrayList<>();
        for (Meter m; (m = FINISHED.poll()) != null; ) {
            done.add(m);
        }
        return done;
    }

    /** A display starts (or stops) watching: only then are finished meters kept for it. */
    public static synchronized void watch(boolean on) {
        watchers = Math.max(0, watchers + (on ? 1 : -1));
        if (watchers == 0) {
            FINISHED.clear();
        }
    }

    /** One item's counter. */
    public static final class Meter implements AutoCloseable {
        private final String label;
        private final long totalBytes;
        private final LongSupplier polled;
        private final long startNanos = System.nanoTime();
        private volatile long bytes;
        private volatile long endNanos;
        private volatile boolean failed;

        private Meter(String label, long totalBytes, LongSupplier polled) {
            this.label = label;
            this.totalBytes = Math.max(0, totalBytes);
            this.polled = polled;
        }

        /** Bytes done so far: one volatile write, for the hot path. */
        public void set(long bytesDone) {
            bytes = bytesDone;
        }

        /** Marks the item failed (its last line says so). */
        public void failed() {
            failed = true;
        }

        /** Ends the meter; the first call counts. */
        @Override
        public void close() {
            if (endNanos != 0) {
                return;
            }
            if (polled != null) {
                bytes = safePoll();
            }
            endNanos = System.nanoTime();
            ACTIVE.remove(this);
            if (watchers > 0) {
                FINISHED.add(this);
            }
        }

        public String label() {
            return label;
        }

        public long totalBytes() {
            return totalBytes;
        }

        public long bytes() {
            return polled != null && endNanos == 0 ? safePoll() : bytes;
        }

        public boolean isFailed() {
            return failed;
        }

        /** Milliseconds since it opened, until it closed. */
        public long elapsedMillis() {
            long end = endNanos;
            return ((end == 0 ? System.nanoTime() : end) - startNanos) / 1_000_000;
        }

        private long safePoll() {
            try {
                return polled.getAsLong();
            } catch (RuntimeException e) {
                return bytes; // e.g. the file is not there yet
            }
        }
    }
}
