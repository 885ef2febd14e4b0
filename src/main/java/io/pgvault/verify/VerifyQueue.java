package io.pgvault.verify;


import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where verifies wait in this process: one runner thread, a bounded queue of batches (one per server), and one
 * lock per server so that two requests cannot both find no verify of it running and both queue one.
 */
final class VerifyQueue {

    /** Most servers whose verifies may wait in this process at once (each server has at most one batch). */
    static final int MAX_QUEUED_SERVERS = 16;

    private final Map<String, Object> serverLocks = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_SERVERS), r -> {
                Thread t = new Thread(r, "pgvault-verify");
                t.setDaemon(true);
                return t;
            });

    /** Runs {@code step} holding the server's lock. */
    <T> T underServerLock(String server, Supplier<T> step) {
        synchronized (serverLocks.computeIfAbsent(server, k -> new Object())) {
            return step.get();
        }
    }

    /** Refuses before anything is recorded when no batch can wait any more. */
    void checkRoom() {
        if (runner.getQueue().remainingCapacity() == 0) {
            throw full();
        }
    }

    /** Hands a batch to the runner, or throws the same refusal as {@link #checkRoom} if the queue filled meanwhile. */
    void submit(Runnable batch) {
        try {
            runner.execute(batch);
        } catch (RejectedExecutionException e) {
            throw full();
        }
    }

    static PgvaultException full() {
        return new PgvaultException(ErrorKind.CONFLICT, "Too many verifies are waiting in this instance.",
                MAX_QUEUED_SERVERS + " server(s) have a verify queued",
                "Wait for the queued verifies to end (GET /api/jobs), then ask again.");
    }
}
