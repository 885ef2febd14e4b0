package io.pgvault.vault;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.matrix.WeekSlot;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one-backup-per-ISO-week rule, race-free across function instances and machines.
 *
 * <p>A run claims {@code <server>/.weeks/<isoWeek>.json} with If-None-Match {@code *} (only one create can
 * win) and holds a blob lease on it ({@code pgvault.vault.claim-lease-seconds}, 60 by default), renewed every
 * third of that while it works. The slot is then:
 * <ul>
 * <li><b>held</b> while the claim is leased (a backup is running) or its backup has a manifest (committed);</li>
 * <li><b>released</b> when the run fails: it deletes its claim, so a failed backup can be retried in the same
 * week, as users expect;</li>
 * <li><b>abandoned</b> when the run died (killed, timed out): the lease lapses and there is no manifest. The
 * next run reports that backup as Interrupted, removes its partial files and takes the slot over (delete
 * If-Match the claim's ETag, then create again, so two runs cannot both take it).</li>
 * </ul>
 */
@ApplicationScoped
public class WeekClaims {

    private static final Logger LOG = Logger.getLogger(WeekClaims.class);

    private final VaultStore vault;
    private final Settings settings;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgvault-lease-renewer");
        t.setDaemon(true);
        return t;
    });

    public WeekClaims(VaultStore vault, PgvaultConfig config) {
        this.vault = vault;
        this.settings = new Settings(config); // read when used: a bad lease setting fails a run, not the app's start
    }

    /**
     * A claim without a lease is still treated as running until this long after it was made (twice the lease): it
     * may be a run between its create and its lease call.
     */
    public Duration grace() {
        return Duration.ofSeconds(2L * settings.claimLeaseSeconds());
    }

    /** What a claim blob says. */
    public record ClaimDocument(String backupId, String isoWeek, Instant claimedAt) {
    }

    /** A claim whose run died, found while claiming; the caller records it as Interrupted. */
    public record Abandoned(String backupId, Instant claimedAt) {
    }

    /** The ISO week (UTC) of an instant, e.g. {@code 2026-W48}. */
    public static String isoWeek(Instant t) {
        return WeekSlot.isoWeekOf(t);
    }

    /** Monday 00:00 UTC of the week after {@code t}: when the next slot opens. */
    public static Instant nextWeekStart(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.next(java.time.DayOfWeek.MONDAY))
                .atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The slot as the matrix sees it: the holder if a running or committed backup holds it. */
    public WeekSlot slot(String server, String isoWeek, Instant now) {
        Optional<State> s = state(server, isoWeek, now);
        return s.filter(State::holds)
                .map(st -> new WeekSlot(isoWeek, st.doc.backupId(), st.doc.claimedAt()))
                .orElse(new WeekSlot(isoWeek, null, null));
    }

    /**
     * Claims the week for {@code backupId}, or throws {@link PgvaultException} of kind {@code CONFLICT} naming the holder.
     *
     * @param onAbandoned told about a dead run's claim before it is taken over
     */
    public Claim claim(String server, String backupId, Instant now, java.util.function.Consumer<Abandoned> onAbandoned) {
        String week = isoWeek(now);
        String path = BackupLayout.weekClaimPath(server, week);
        int leaseSeconds = settings.claimLeaseSeconds(); // before the claim is created: a bad setting leaves none
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                vault.createOwnJson(path, new ClaimDocument(backupId, week, now));
                return new Claim(vault.blob(path), leaseSeconds);
            } catch (PgvaultException taken) {
                if (taken.kind() != ErrorKind.CONFLICT) {
                    throw taken;
                }
                Optional<State> s = state(server, week, now);
                if (s.isEmpty()) {
                    continue; // released between our create and our read: try again
                }
                State st = s.get();
                if (st.holds()) {
                    throw slotTaken(server, week, st);
                }
                onAbandoned.accept(new Abandoned(st.doc.backupId(), st.doc.claimedAt()));
                // false: someone else took it over first; the next create tells who holds it
                vault.deleteIfMatch(path, st.etag);
            }
        }
        throw new PgvaultException(ErrorKind.CONFLICT, "Could not claim the backup slot of week " + week + " for server " + server + ".",
                "three attempts raced with other runs", "Run the backup again; look at bin/pgvault jobs.");
    }

    private static PgvaultException slotTaken(String server, String week, State st) {
        Instant next = nextWeekStart(st.doc.claimedAt());
        return new PgvaultException(ErrorKind.CONFLICT, 
                "Server " + server + " already has a backup in week " + week + "; the support matrix allows one per week.",
                "slot held by backup " + st.doc.backupId() + " (" + (st.committed ? "committed" : "running")
                        + "), claimed " + st.doc.claimedAt(),
                "The next slot opens " + next + " (Monday 00:00 UTC). To take a new backup this week anyway, "
                        + "delete backup " + st.doc.backupId() + " first.");
    }

    private Optional<State> state(String server, String week, Instant now) {
        String path = BackupLayout.weekClaimPath(server, week);
        Optional<VaultStore.Versioned<ClaimDocument>> doc = vault.readJson(path, ClaimDocument.class);
        if (doc.isEmpty()) {
            return Optional.empty();
        }
        ClaimDocument d = doc.get().value();
        boolean committed = vault.manifest(server, d.backupId()).isPresent();
        Optional<FileProperties> props = vault.files().fileProperties(path);
        if (props.isEmpty()) {
            return Optional.empty();
        }
        boolean leased = props.get().leased();
        boolean young = d.claimedAt() != null && d.claimedAt().isAfter(now.minus(grace()));
        return Optional.of(new State(d, doc.get().etag(), committed, leased || young));
    }

    private record State(ClaimDocument doc, String etag, boolean committed, boolean running) {
        boolean holds() {
            return committed || running;
        }
    }

    /** A week claim as found in the vault: its backup committed, still running, or neither (abandoned). */
    public record Found(String isoWeek, String etag, ClaimDocument doc, boolean committed, boolean running) {
        /** A dead run's claim: no manifest and no live lease. */
        public boolean abandoned() {
            return !committed && !running;
        }
    }

    /** Every week claim of a server, oldest week first (for retention and the sweep of dead runs of past weeks). */
    public List<Found> list(String server, Instant now) {
        List<Found> out = new ArrayList<>();
        for (String name : vault.names(BackupLayout.weeksPrefix(server))) {
            String week = BackupLayout.weekOfClaim(server, name);
            if (week == null) {
                continue;
            }
            state(server, week, now).ifPresent(st -> out.add(new Found(week, st.etag, st.doc, st.committed, st.running)));
        }
        out.sort(java.util.Comparator.comparing(Found::isoWeek));
        return out;
    }

    /** Deletes a claim if it is still the version found; false if another run changed or removed it. */
    public boolean delete(String server, Found claim) {
        // false: changed, gone, or leased by a run that just took it
        return vault.deleteIfMatch(BackupLayout.weekClaimPath(server, claim.isoWeek()), claim.etag());
    }

    /** A held week slot: leased and renewed until {@link #commit()} or {@link #release()}. */
    public final class Claim {
        private final BlobClient blob;
        private final BlobLeaseClient lease;
        private final int leaseSeconds;
        private final ScheduledFuture<?> renewal;

        Claim(BlobClient blob, int leaseSeconds) {
            this.blob = blob;
            this.leaseSeconds = leaseSeconds;
            this.lease = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
            lease.acquireLease(leaseSeconds);
            long every = Math.max(1, leaseSeconds / 3);
            this.renewal = renewer.scheduleAtFixedRate(io.pgvault.jobs.JobContext.wrap((Runnable) this::renew), every, every,
                    TimeUnit.SECONDS); // its warnings carry the job's fields
        }

        private void renew() {
            try {
                lease.renewLease();
            } catch (RuntimeException e) {
                LOG.warnf("Could not renew the week-slot lease on %s: %s", blob.getBlobName(), e.getMessage());
            }
        }

        /** The backup committed: the claim stays (the manifest now holds the slot) and the lease ends. */
        public void commit() {
            renewal.cancel(false);
            try {
                lease.releaseLease();
            } catch (RuntimeException e) {
                LOG.warnf("Could not release the week-slot lease on %s (it lapses in %ds): %s",
                        blob.getBlobName(), leaseSeconds, e.getMessage());
            }
        }

        /** The backup failed: the slot is freed so the backup can be retried this week. */
        public void release() {
            renewal.cancel(false);
            try {
                blob.deleteWithResponse(null, new BlobRequestConditions().setLeaseId(lease.getLeaseId()), null, null);
            } catch (RuntimeException e) {
                LOG.warnf("Could not free the week slot %s; the next run takes it over once the lease lapses: %s",
                        blob.getBlobName(), e.getMessage());
            }
        }
    }
}
