package io.pgvault.watch;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.Redactor;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.jobs.JobContext;
import io.pgvault.jobs.JobEvents;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.ServerStatus;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead-man's switch: one pass over every protected server (the registry's entries and the settings server)
 * marks those whose newest committed backup is older than {@code pgvault.watch.overdue-days} as {@code Overdue} in
 * their status document and logs a {@code pgvault.overdue} event for each; a server that is no longer overdue is
 * cleared. A server never backed up counts from when the watch first saw it. Each pass ends with one
 * {@code pgvault.watch} event, the heartbeat the "no watch run" alert reads.
 */
@ApplicationScoped
public class OverdueWatch {

    private static final Logger LOG = Logger.getLogger(OverdueWatch.class);

    private final ServerRegistry registry;
    private final JobStore jobs;
    private final VaultStore vault;
    private final PgvaultConfig config;
    private final Clock clock;

    public OverdueWatch(ServerRegistry registry, JobStore jobs, VaultStore vault, PgvaultConfig config, Clock clock) {
        this.registry = registry;
        this.jobs = jobs;
        this.vault = vault;
        this.config = config;
        this.clock = clock;
    }

    /** What one pass found: the protected servers it looked at and those overdue. */
    public record Pass(List<String> watched, List<String> overdue) {
    }

    /** Looks at every protected server once; a server that cannot be read is logged and skipped. */
    public Pass run() {
        Instant now = clock.instant();
        Duration maxAge = Duration.ofDays(new Settings(config).watchOverdueDays());
        List<String> watched = new ArrayList<>();
        List<String> overdue = new ArrayList<>();
        for (ServerEntry e : registry.list()) {
            if (e.state() != ProtectionState.PROTECTED) {
                continue;
            }
            watched.add(e.name());
            try (JobContext.Scope scope = JobContext.job(e.name(), null)) {
                if (check(e.name(), now, maxAge)) {
                    overdue.add(e.name());
                }
            } catch (RuntimeException ex) {
                LOG.warnf("Overdue watch: could not check server %s: %s", e.name(), Redactor.redact(String.valueOf(ex.getMessage())));
            }
        }
        JobEvents.watch(watched.size(), overdue);
        return new Pass(watched, overdue);
    }

    /** Marks or clears one server; true if it is overdue. */
    private boolean check(String server, Instant now, Duration maxAge) {
        ServerStatus status = jobs.status(server).orElse(ServerStatus.empty(server));
        Newest newest = newest(server, status);
        Instant since = newest.committedAt() != null ? newest.committedAt()
                : status.watchedSince() != null ? status.watchedSince() : now;
        boolean late = since.plus(maxAge).isBefore(now);
        if (!late) {
            if (status.overdue() != null || status.watchedSince() == null) {
                jobs.updateStatus(server, s -> s.withWatch(now, null, now));
            }
            return false;
        }
        ServerStatus.Overdue mark = new ServerStatus.Overdue(ServerStatus.Overdue.STATE,
                status.overdue() == null ? now : status.overdue().since(), newest.backupId(), newest.committedAt(),
                maxAge.toDays());
        jobs.updateStatus(server, s -> s.withWatch(now, mark, now));
        JobEvents.overdue(server, newest.backupId(), newest.committedAt(), maxAge);
        LOG.warnf("Server %s is Overdue: newest committed backup %s (committed %s) is older than %d days", server,
                newest.backupId() == null ? "none" : newest.backupId(), newest.committedAt(), maxAge.toDays());
        return true;
    }

    private record Newest(String backupId, Instant committedAt) {
    }

    /**
     * The newest committed backup: the status document's, confirmed against the vault's catalog (backups committed
     * before status documents existed, or whose status update was lost, count too).
     */
    private Newest newest(String server, ServerStatus status) {
        Newest fromStatus = status.lastBackup() == null ? new Newest(null, null)
                : new Newest(status.lastBackup().backupId(), status.lastBackup().committedAt());
        List<Manifest> catalog = vault.catalog(server);
        if (catalog.isEmpty()) {
            return fromStatus;
        }
        Manifest m = catalog.get(0);
        Instant at = m.finishedAt() != null ? m.finishedAt() : m.startedAt();
        return fromStatus.committedAt() != null && !fromStatus.committedAt().isBefore(at) ? fromStatus
                : new Newest(m.backupId(), at);
    }
}
