package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.jobs.JobKind;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.Stopwatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Runs the backup one queue message asks for (the {@code backupServer} queue trigger, and bin/pgvault fleet run).
 * The server's entry is read from the registry now: a server removed or no longer Protected since its message
 * was queued ends Cancelled, "no longer protected", without an error. A failed attempt is thrown so the host
 * retries it; the last attempt ({@code pgvault.queue.max-dequeue-count}) first records the queued job Failed with
 * its HINT, then throws, and the host moves the message to the poison queue. A refusal (matrix, week taken) is
 * final at once: retrying cannot change it.
 */
@ApplicationScoped
public class BackupWorker {

    private static final Logger LOG = Logger.getLogger(BackupWorker.class);

    private final ServerRegistry registry;
    private final BackupService backups;
    private final QueuedMarkers markers;
    private final JobStore jobs;
    private final Clock clock;
    private final Settings settings;

    public BackupWorker(ServerRegistry registry, BackupService backups, QueuedMarkers markers, JobStore jobs, Clock clock,
            PgvaultConfig config) {
        this.registry = registry;
        this.backups = backups;
        this.markers = markers;
        this.jobs = jobs;
        this.clock = clock;
        this.settings = new Settings(config); // read when a message is handled: a bad value fails that message
    }

    /** How a message ended (a failed attempt that will be retried is thrown instead). */
    public enum Result { COMMITTED, NO_LONGER_PROTECTED, REFUSED }

    /** What one handled message produced. */
    public record Outcome(String server, Result result, JobRecord job, String backupId, long bytes, double seconds) {
    }

    /** The last attempt of a message: the host moves it to poison after this one fails. */
    public boolean lastAttempt(long dequeueCount) {
        return dequeueCount >= settings.queueMaxDequeueCount();
    }

    /** Handles one message, delivered for the {@code dequeueCount}-th time. */
    public Outcome handle(BackupMessage message, long dequeueCount) {
        JobRecord job = queuedJob(message);
        Optional<ServerEntry> entry = registry.get(message.server()).map(ServerRegistry.Registered::entry)
                .filter(e -> e.state() == ProtectionState.PROTECTED);
        if (entry.isEmpty()) {
            return noLongerProtected(message, job);
        }
        jobs.save(job.withState(JobState.RUNNING, clock.instant()));
        Stopwatch run = Stopwatch.start();
        try {
            BackupTrigger trigger = BackupMessage.ON_DEMAND.equals(message.reason()) ? BackupTrigger.ON_DEMAND : BackupTrigger.QUEUE;
            BackupService.BackupResult r = backups.backup(entry.get(), trigger);
            JobRecord done = finished(job, JobState.SUCCEEDED, r.manifest().backupId(), r.manifest().totalBytes(), null);
            markers.remove(message.server(), message.isoWeek());
            return new Outcome(message.server(), Result.COMMITTED, done, r.manifest().backupId(), r.manifest().totalBytes(),
                    run.seconds());
        } catch (PgvaultException e) {
            return failed(message, job, dequeueCount, e, run);
        }
    }

    private Outcome failed(BackupMessage message, JobRecord job, long dequeueCount, PgvaultException e, Stopwatch run) {
        if (e.kind() == ErrorKind.CONFLICT || e.kind() == ErrorKind.MATRIX_REFUSED) {
            JobRecord refused = jobs.fail(job, JobState.REFUSED, e, null);
            markers.remove(message.server(), message.isoWeek());
            LOG.warnf("Backup of %s refused (not retried): %s", message.server(), e.render());
            return new Outcome(message.server(), Result.REFUSED, refused, null, 0, run.seconds());
        }
        if (lastAttempt(dequeueCount)) {
            jobs.fail(job, JobState.FAILED, e, null);
            markers.remove(message.server(), message.isoWeek());
            LOG.errorf("Backup of %s failed on its last attempt (%d of %d); the message goes to the poison queue: %s",
                    message.server(), dequeueCount, settings.queueMaxDequeueCount(), e.render());
        } else {
            String note = "attempt " + dequeueCount + " of " + settings.queueMaxDequeueCount() + " failed, retried: " + e.problem();
            jobs.save(job.withState(JobState.QUEUED, clock.instant()).withWarnings(List.of(note), clock.instant()));
            LOG.warnf("Backup of %s: %s", message.server(), Redactor.redact(note));
        }
        throw e;
    }

    private Outcome noLongerProtected(BackupMessage message, JobRecord job) {
        String note = "no longer protected: server " + message.server()
                + " was removed from the registry or is not Protected any more since this backup was queued";
        JobRecord cancelled = job.withWarnings(List.of(note), clock.instant()).withState(JobState.CANCELLED, clock.instant());
        jobs.save(cancelled);
        markers.remove(message.server(), message.isoWeek());
        LOG.infof("Backup of %s not taken: %s", message.server(), note);
        return new Outcome(message.server(), Result.NO_LONGER_PROTECTED, cancelled, null, 0, 0);
    }

    /** The job record the message was queued with (made again if it was lost, so the outcome is always recorded). */
    private JobRecord queuedJob(BackupMessage m) {
        return jobs.find(m.server(), m.jobId())
                .orElseGet(() -> jobs.start(m.jobId(), JobKind.BACKUP, m.server(), JobState.QUEUED, null, null));
    }

    private JobRecord finished(JobRecord job, JobState state, String backupId, long bytes, String warning) {
        JobRecord ended = new JobRecord(job.id(), job.kind(), job.server(), state, job.startedAt(), clock.instant(),
                clock.instant(), backupId, job.target(), bytes, job.filesDone(), job.filesTotal(), job.progress(),
                job.violations(), null, warning == null ? job.warnings() : List.of(warning));
        jobs.save(ended);
        return ended;
    }
}
