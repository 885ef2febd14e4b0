package io.pgvault.fanout;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * "A backup of this server-week is queued": one small document per server-week in the vault,
 * {@code .queued/<server>/<isoWeek>.json}, created with If-None-Match {@code *} before the message is sent, so two
 * scheduler passes (two instances, the timer and backupNow) can never queue the same server-week twice. The
 * worker removes it when the message is done (committed, failed for good, or nothing left to do). A marker older
 * than {@link #STALE_AFTER} is from a message that was lost (e.g. the queue's time-to-live ran out) and is
 * taken over.
 */
@ApplicationScoped
public class QueuedMarkers {

    /** Longer than any wait in the queue plus every retry (500 servers on one instance take about two days). */
    public static final Duration STALE_AFTER = Duration.ofDays(3);

    private final VaultStore vault;

    public QueuedMarkers(VaultStore vault) {
        this.vault = vault;
    }

    /** What a marker says: the queued job and when it was queued. */
    public record Marker(String jobId, String reason, Instant queuedAt) {
    }

    static String path(String server, String isoWeek) {
        return ".queued/" + BackupLayout.checkServer(server) + "/" + isoWeek + ".json";
    }

    /** The live marker of a server-week, if one is there and not stale. */
    public Optional<Marker> find(String server, String isoWeek, Instant now) {
        return vault.readJson(path(server, isoWeek), Marker.class).map(VaultStore.Versioned::value)
                .filter(m -> !stale(m, now));
    }

    /**
     * Places the marker; empty if a live one is there (returned, so the caller can name its job). A stale one is
     * removed (If-Match its ETag) and the create tried once more.
     */
    public Optional<Marker> place(String server, String isoWeek, Marker marker, Instant now) {
        String path = path(server, isoWeek);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                vault.createJson(path, marker);
                return Optional.empty();
            } catch (PgvaultException taken) {
                if (taken.kind() != ErrorKind.CONFLICT) {
                    throw taken;
                }
                Optional<VaultStore.Versioned<Marker>> there = vault.readJson(path, Marker.class);
                if (there.isPresent() && !stale(there.get().value(), now)) {
                    return Optional.of(there.get().value());
                }
                there.ifPresent(t -> vault.deleteIfMatch(path, t.etag()));
            }
        }
        return vault.readJson(path, Marker.class).map(VaultStore.Versioned::value).or(() -> Optional.of(marker));
    }

    /** Removes the marker of a finished message. */
    public void remove(String server, String isoWeek) {
        vault.deleteIfExists(path(server, isoWeek));
    }

    private static boolean stale(Marker m, Instant now) {
        return m.queuedAt() == null || m.queuedAt().plus(STALE_AFTER).isBefore(now);
    }
}
