package io.pgvault.backup;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The tool processes of one backup. One failure stops them all, and {@link #stopAll} waits for every dump task
 * to end: a dump that was about to commit must not add a file after the failed backup's files were removed.
 */
final class RunningDumps {

    private static final Logger LOG = Logger.getLogger(RunningDumps.class);

    private final Set<Process> processes = ConcurrentHashMap.newKeySet();
    private final RunningDumps parent;
    private volatile boolean stopping;

    RunningDumps() {
        this(null);
    }

    private RunningDumps(RunningDumps parent) {
        this.parent = parent;
    }

    /** The processes of one split database: stopped with their database, and with the whole backup. */
    RunningDumps child() {
        return new RunningDumps(this);
    }

    void started(Process p) {
        processes.add(p);
        if (parent != null) {
            parent.started(p);
        }
        if (stopping) {
            p.destroyForcibly(); // started while the backup was being stopped
        }
    }

    /**
     * Each task's result, in order; on the first failure every tool of these dumps is stopped, their tasks end,
     * and the failure is thrown.
     */
    <T> List<T> collect(List<Future<T>> futures, List<ExecutorService> pools) {
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                stopAll(pools, futures); // one failure ends the backup: stop the others
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopAll(pools, futures);
                throw new IllegalStateException("backup interrupted", e);
            }
        }
        return results;
    }

    void stopAll(List<ExecutorService> pools, List<? extends Future<?>> tasks) {
        stopping = true;
        processes.forEach(Process::destroyForcibly); // a killed dump ends its task before any commit
        // No interrupts: an interrupted SDK call returns at once while its request still completes on the
        // wire, so a commit in flight would land after the partial files were removed. Queued dumps are
        // cancelled; running ones end on their own (their tool was killed) or finish a commit already sent.
        tasks.forEach(t -> t.cancel(false));
        pools.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try {
            for (ExecutorService pool : pools) {
                if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("Some dumps of the failed backup did not stop within 2 minutes");
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
