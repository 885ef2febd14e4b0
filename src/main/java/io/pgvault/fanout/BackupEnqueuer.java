package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.queue.BackupQueue;
import io.pgvault.jobs.JobKind;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.WeekSlot;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Queues one server-week's backup, for the scheduler and backupNow alike: what the week already has (committed,
 * running, queued), then the queued marker (If-None-Match *, so the same server-week is never queued twice), a job
 * record in state Queued, and the message. If the message cannot be sent, the marker goes and the job ends Failed.
 */
@ApplicationScoped
public class BackupEnqueuer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackupQueue queue;
    private final QueuedMarkers markers;
    private final WeekClaims weeks;
    private final VaultStore vault;
    private final JobStore jobs;

    public BackupEnqueuer(BackupQueue queue, QueuedMarkers markers, WeekClaims weeks, VaultStore vault, JobStore jobs) {
        this.queue = queue;
        this.markers = markers;
        this.weeks = weeks;
        this.vault = vault;
        this.jobs = jobs;
    }

    /** What a server's current ISO week has, and who holds it (a backup id or a queued job id). */
    public record Week(String isoWeek, DueSlot.WeekState state, String holder) {
    }

    /** The state of the server's week at {@code now}: committed or running (week claim), queued (marker), or free. */
    public Week week(String server, Instant now) {
        String isoWeek = DueSlot.isoWeek(now);
        WeekSlot slot = weeks.slot(server, isoWeek, now);
        if (slot.holderBackupId() != null) {
            boolean committed = vault.manifest(server, slot.holderBackupId()).isPresent();
            return new Week(isoWeek, committed ? DueSlot.WeekState.COMMITTED : DueSlot.WeekState.RUNNING,
                    slot.holderBackupId());
        }
        return markers.find(server, isoWeek, now)
                .map(m -> new Week(isoWeek, DueSlot.WeekState.QUEUED, m.jobId()))
                .orElse(new Week(isoWeek, DueSlot.WeekState.FREE, null));
    }

    /**
     * Queues the backup of {@code server} for the week of {@code now}; returns the message, or empty if another pass
     * queued this server-week first (its marker won).
     */
    public Optional<BackupMessage> enqueue(String server, Instant now, String reason) {
        String isoWeek = DueSlot.isoWeek(now);
        String jobId = "backup-queued-" + BackupLayout.newBackupId(now) + "-" + HexFormat.of().formatHex(randomBytes());
        Optional<QueuedMarkers.Marker> there = markers.place(server, isoWeek,
                new QueuedMarkers.Marker(jobId, reason, now), now);
        if (there.isPresent()) {
            return Optional.empty();
        }
        BackupMessage message = new BackupMessage(server, isoWeek, jobId, reason, now);
        JobRecord job = null;
        try {
            job = jobs.start(jobId, JobKind.BACKUP, server, JobState.QUEUED, null, null);
            queue.send(message);
        } catch (RuntimeException e) {
            // Nothing was queued: free the server-week at once rather than block it until the marker goes stale.
            try {
                markers.remove(server, isoWeek);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed); // the vault is down too: the marker goes stale in three days
            }
            PgvaultException failure = e instanceof PgvaultException p ? p : new PgvaultException(
                    ErrorKind.QUEUE_UNAVAILABLE, "Could not queue the backup of " + server + ".", e.getMessage(),
                    "Check AzureWebJobsStorage and ask again.", e);
            if (job != null) {
                jobs.fail(job, JobState.FAILED, failure, null);
            }
            throw failure;
        }
        return Optional.of(message);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return b;
    }
}
