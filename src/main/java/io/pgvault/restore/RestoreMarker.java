package io.pgvault.restore;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobWatch;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Sha256;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The marker of a started restore in the vault ({@code <server>/.restores/<key>.json}), so an identical request
 * (same backup, target and recovery option) joins it instead of starting a second copy. It is claimed with
 * If-None-Match {@code *} before the target is touched, so concurrent identical requests cannot both check (and
 * see each other's files at) the target: one claims, the others join it.
 */
@ApplicationScoped
public class RestoreMarker {

    /** How long an identical request waits for the job record of a restore whose marker it found. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(5);

    /**
     * The marker's content; {@code createdAt} tells a marker whose creator died from one whose job record is
     * being written.
     */
    public record ActiveRestore(String restoreId, Instant createdAt) {
    }

    private final VaultStore vault;
    private final JobStore jobs;
    private final JobWatch watch;

    public RestoreMarker(VaultStore vault, JobStore jobs, JobWatch watch) {
        this.vault = vault;
        this.jobs = jobs;
        this.watch = watch;
    }

    /** The marker's path for one restore: the same request always names the same marker. */
    static String path(String server, String backupId, String containerUrl, RecoveryOption option) {
        String key = Sha256.hex((server + "|" + backupId + "|" + containerUrl + "|" + option)
                .getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        return BackupLayout.restoreMarkerPath(server, key);
    }

    /**
     * Claims the marker for {@code restoreId}; or, if an identical restore is running, returns its job record
     * (empty: claimed). Throws a PgvaultException if an identical restore is starting at this moment.
     */
    Optional<JobRecord> claim(String server, String markerPath, String restoreId) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<JobRecord> running = join(server, markerPath);
            if (running.isPresent()) {
                return running;
            }
            try {
                vault.createJson(markerPath, new ActiveRestore(restoreId, watch.now()));
                return Optional.empty();
            } catch (PgvaultException raced) {
                if (raced.kind() != ErrorKind.CONFLICT) {
                    throw raced;
                }
                // another request claimed it between our read and our create: join that one
            }
        }
        throw new PgvaultException(ErrorKind.CONFLICT, "An identical restore is starting at this moment.", "marker " + markerPath,
                "Wait a minute and send the request again; it will return that restore's id.");
    }

    /** Removes the marker of a restore that ended (or was refused). */
    void release(String markerPath) {
        try {
            vault.deleteIfExists(markerPath);
        } catch (RuntimeException ignored) {
            // a stale marker is cleaned up by the next identical request
        }
    }

    /** The running restore the marker names; empty if there is no marker (any more) or it was stale. */
    private Optional<JobRecord> join(String server, String markerPath) {
        Instant waitUntil = watch.now().plus(JOIN_WAIT);
        while (true) {
            var marker = vault.readJson(markerPath, ActiveRestore.class);
            if (marker.isEmpty()) {
                return Optional.empty();
            }
            ActiveRestore active = marker.get().value();
            Optional<JobRecord> job = jobs.find(server, active.restoreId()).map(watch::seen);
            if (job.isPresent() && !job.get().terminal()) {
                return job;
            }
            boolean fresh = job.isEmpty() && watch.fresh(active.createdAt());
            if (!fresh) {
                // the marker of a restore that ended, or whose creator died: remove it if nobody else did
                vault.deleteIfMatch(markerPath, marker.get().etag());
                return Optional.empty();
            }
            waitForJobRecord(markerPath, active, waitUntil);
        }
    }

    /** Claimed a moment ago, its job record not written yet: wait for it (bounded). */
    private void waitForJobRecord(String markerPath, ActiveRestore active, Instant waitUntil) {
        if (!watch.now().isBefore(waitUntil)) {
            throw new PgvaultException(ErrorKind.CONFLICT, "An identical restore is starting at this moment.",
                    "marker " + markerPath + " of " + active.restoreId() + " has no job record yet",
                    "Wait a minute and send the request again; it will return that restore's id.");
        }
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
