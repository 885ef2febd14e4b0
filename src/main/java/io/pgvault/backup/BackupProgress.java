package io.pgvault.backup;

import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.LiveMeters;
import io.pgvault.matrix.Units;
import io.pgvault.jobs.Stopwatch;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress of a running backup: bytes and MB/s per database, logged and saved to the job record at most
 * every few seconds (in Azure the log lines land in Application Insights).
 */
final class BackupProgress {

    private static final Logger LOG = Logger.getLogger(BackupProgress.class);
    private static final Duration EVERY = Duration.ofSeconds(5);

    private final JobStore jobs;
    private final Clock clock;
    private final Map<String, Item> items = new LinkedHashMap<>();
    private JobRecord job;
    private int filesTotal;
    private Instant lastReport;
    private final Map<String, Long> expectedBytes;

    BackupProgress(JobStore jobs, JobRecord job, Clock clock, int filesTotal) {
        this(jobs, job, clock, filesTotal, Map.of());
    }

    /** With each database's size ({@code pg_database_size}): the live display's estimate of a dump's total. */
    BackupProgress(JobStore jobs, JobRecord job, Clock clock, int filesTotal, Map<String, Long> expectedBytes) {
        this.expectedBytes = Map.copyOf(expectedBytes);
        this.filesTotal = filesTotal;
        this.jobs = jobs;
        this.job = job;
        this.clock = clock;
        this.lastReport = clock.instant();
    }

    private static final class Item {
        final Stopwatch took = Stopwatch.start();
        final LiveMeters.Meter meter;
        long bytes;
        JobState state = JobRecord.RUNNING;

        Item(LiveMeters.Meter meter) {
            this.meter = meter;
        }

        double mbPerSecond() {
            return took.megabytesPerSecond(bytes);
        }
    }

    synchronized void started(String name) {
        // server/database: a fleet run shows several servers' dumps at once
        items.put(name, new Item(LiveMeters.open(job.server() + "/" + name, expectedBytes.getOrDefault(name, 0L))));
    }

    /** Called about once per MiB read from the dump; reports only every few seconds. */
    void update(String name, long bytesFromTool) {
        synchronized (this) {
            Item item = items.get(name);
            item.bytes = bytesFromTool;
            item.meter.set(bytesFromTool);
            Instant now = clock.instant();
            if (Duration.between(lastReport, now).compareTo(EVERY) < 0) {
                return;
            }
            lastReport = now;
            LOG.infof("backup %s: %s %s so far, %s", job.backupId(), name, Units.bytes(item.bytes),
                    Units.duration(Duration.ofMillis(item.took.millis())));
        }
        save();
    }

    synchronized void done(String name, long storedBytes) {
        Item item = items.get(name);
        item.took.stop();
        item.meter.close();
        item.state = JobRecord.SUCCEEDED;
        String rate = Units.rate(item.bytes, Duration.ofMillis(item.took.millis()));
        LOG.infof("backup %s: %s done, %s read from the tool%s, %s stored", job.backupId(), name,
                Units.bytes(item.bytes), rate.isEmpty() ? "" : " at " + rate, Units.bytesAndExact(storedBytes));
        item.bytes = storedBytes;
    }

    /** A database stored as {@code parts} files instead of one: the job's file count grows by the difference. */
    synchronized void splitInto(int parts) {
        filesTotal += parts - 1;
    }

    /** A dump that stopped without committing: its live meter ends as failed (the job records the error). */
    synchronized void aborted(String name) {
        Item item = items.get(name);
        if (item != null) {
            item.meter.failed();
            item.meter.close();
        }
    }

    JobRecord finish(JobState state) {
        synchronized (this) {
            items.values().forEach(i -> {
                if (!JobRecord.SUCCEEDED.equals(i.state)) {
                    i.meter.failed(); // a dump that never finished: its live line must not stay open
                }
                i.meter.close();
            });
            job = snapshot().withState(state, clock.instant());
        }
        jobs.save(job);
        return job;
    }

    private void save() {
        JobRecord j;
        synchronized (this) {
            j = snapshot();
            job = j;
        }
        try {
            jobs.save(j);
        } catch (RuntimeException e) {
            LOG.warnf("Could not save progress of %s: %s", j.id(), e.getMessage());
        }
    }

    private JobRecord snapshot() {
        List<JobRecord.Progress> list = new ArrayList<>();
        long total = 0;
        int done = 0;
        for (var e : items.entrySet()) {
            Item i = e.getValue();
            list.add(new JobRecord.Progress(e.getKey(), i.state, i.bytes, i.mbPerSecond()));
            total += i.bytes;
            done += JobRecord.SUCCEEDED.equals(i.state) ? 1 : 0;
        }
        return job.withProgress(total, done, filesTotal, list, clock.instant());
    }
}
