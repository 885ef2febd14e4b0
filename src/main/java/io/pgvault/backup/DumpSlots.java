package io.pgvault.backup;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The backup's pg_dump slots: {@code pgvault.backup.parallelism} tools at once, shared by whole databases and the
 * data parts of split ones (first come, first served), so a split database's data streams never add processes,
 * server backends or cores beyond the setting (its two short schema parts run beside them, as the roles dump does). A task waits for a slot only while it holds none, so no two tasks wait for each other.
 */
final class DumpSlots {

    private final Semaphore permits;

    DumpSlots(int slots) {
        this.permits = new Semaphore(Math.max(1, slots), true);
    }

    /**
     * Runs {@code work} in a slot, waiting for one first (an interrupt does not end the wait: a stopping backup
     * kills the tools, which frees their slots).
     */
    <T> T call(Supplier<T> work) {
        permits.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
