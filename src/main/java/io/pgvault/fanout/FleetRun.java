package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.vault.queue.BackupQueue;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/pgvault fleet run}: one scheduler pass, then the backup queue drained in this process by N workers,
 * each doing what the Functions host does for backupServer: take a message (hidden while it runs), hand it to
 * {@link BackupWorker}, delete it when done, make it visible again after {@code pgvault.queue.retry-delay} when
 * an attempt failed, move it to the poison queue after the last attempt. It ends when the queue is empty, no
 * worker is busy and no retry is pending — or at the backup timeout, whichever comes first.
 */
@ApplicationScoped
public class FleetRun {

    private static final Logger LOG = Logger.getLogger(FleetRun.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final BackupScheduler scheduler;
    private final BackupWorker worker;
    private final BackupQueue queue;
    private final Clock clock;
    private final Settings settings;

    public FleetRun(BackupScheduler scheduler, BackupWorker worker, BackupQueue queue, Clock clock, PgvaultConfig config) {
        this.scheduler = scheduler;
        this.worker = worker;
        this.queue = queue;
        this.clock = clock;
        this.settings = new Settings(config);
    }

    /** One message's end: committed, no longer protected, refused, failed (poison). */
    public record Line(String server, String result, String jobId, String backupId, long bytes, double seconds,
            long attempts, String error) {
    }

    /** What the run did. */
    public record Summary(BackupScheduler.Pass pass, List<Line> lines, int workers, double wallSeconds) {
    }

    /** Runs one pass and drains the queue with {@code workers} workers. */
    public Summary run(int workers) {
        long start = System.nanoTime();
        BackupScheduler.Pass pass = scheduler.pass(clock.instant());
        List<Line> lines = Collections.synchronizedList(new ArrayList<>());
        Drain drain = new Drain(lines, Instant.now().plus(settings.backupTimeout()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "pgvault-fleet-worker");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < workers; i++) {
            pool.execute(() -> {
                try {
                    drain.loop();
                } catch (RuntimeException e) {
                    LOG.errorf("fleet run: a worker stopped: %s", e instanceof PgvaultException p ? p.render()
                            : Redactor.redact(String.valueOf(e.getMessage())));
                }
            });
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(settings.backupTimeout().toSeconds() + 60, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        return new Summary(pass, List.copyOf(lines), workers, (System.nanoTime() - start) / 1e9);
    }

    /** The workers' shared state: how many are busy and which failed messages wait for their retry. */
    private final class Drain {
        private final List<Line> lines;
        private final Instant deadline;
        private final AtomicInteger busy = new AtomicInteger();
        private final Set<String> retrying = ConcurrentHashMap.newKeySet();

        Drain(List<Line> lines, Instant deadline) {
            this.lines = lines;
            this.deadline = deadline;
        }

        void loop() {
            while (Instant.now().isBefore(deadline)) {
                busy.incrementAndGet();
                List<BackupQueue.Delivery> got;
                try {
                    got = queue.receive(1, settings.backupTimeout());
                    if (!got.isEmpty()) {
                        handle(got.get(0));
                        continue;
                    }
                } finally {
                    busy.decrementAndGet();
                }
                if (busy.get() == 0 && retrying.isEmpty()) {
                    return; // nothing queued, nothing running, nothing to come back
                }
                sleep(IDLE_POLL);
            }
            LOG.warnf("fleet run: stopped at the backup timeout (%s) with work left in the queue", settings.backupTimeout());
        }

        private void handle(BackupQueue.Delivery d) {
            retrying.remove(d.messageId());
            BackupMessage m;
            try {
                m = queue.parse(d.text());
            } catch (PgvaultException e) {
                queue.toPoison(d);
                lines.add(new Line("?", "poison", null, null, 0, 0, d.dequeueCount(), e.render()));
                return;
            }
            try {
                BackupWorker.Outcome o = worker.handle(m, d.dequeueCount());
                queue.delete(d);
                lines.add(new Line(m.server(), o.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        m.jobId(), o.backupId(), o.bytes(), o.seconds(), d.dequeueCount(), null));
            } catch (RuntimeException e) {
                String error = e instanceof PgvaultException p ? p.render() : Redactor.redact(String.valueOf(e.getMessage()));
                if (worker.lastAttempt(d.dequeueCount())) {
                    queue.toPoison(d);
                    lines.add(new Line(m.server(), "failed", m.jobId(), null, 0, 0, d.dequeueCount(), error));
                } else {
                    retrying.add(d.messageId());
                    queue.retryAfter(d, settings.queueRetryDelay());
                }
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fleet run interrupted", e);
        }
    }
}
