package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One scheduler pass (the {@code scheduleBackups} timer, hourly): every Protected registered server whose weekly
 * slot has come and whose ISO week has no backup committed, running or queued gets one message on the backup
 * queue. A server the pass cannot judge or queue is reported and skipped: it never holds up the others. The
 * read-only entry of the single-server settings is left to the weekly timer (weeklyBackup), which already backs it up.
 */
@ApplicationScoped
public class BackupScheduler {

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);

    private final ServerRegistry registry;
    private final BackupEnqueuer enqueuer;

    public BackupScheduler(ServerRegistry registry, BackupEnqueuer enqueuer) {
        this.registry = registry;
        this.enqueuer = enqueuer;
    }

    /** What a pass did: the messages it queued, and the servers it could not handle (rendered errors, with HINT). */
    public record Pass(Instant at, List<BackupMessage> queued, List<String> failures) {
    }

    /** Runs one pass at {@code now}. */
    public Pass pass(Instant now) {
        List<BackupMessage> queued = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ServerEntry entry : registry.list()) {
            if (entry.readOnly() || entry.state() != ProtectionState.PROTECTED) {
                continue;
            }
            try {
                BackupEnqueuer.Week week = enqueuer.week(entry.name(), now);
                if (DueSlot.due(now, entry.policy().dayOfWeek(), entry.policy().hourUtc(), week.state())) {
                    enqueuer.enqueue(entry.name(), now, BackupMessage.SCHEDULED).ifPresent(queued::add);
                }
            } catch (PgvaultException e) {
                LOG.warnf("Scheduler: server %s skipped this pass: %s", entry.name(), e.render());
                failures.add(entry.name() + ": " + e.render());
            } catch (RuntimeException e) {
                String why = Redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warnf("Scheduler: server %s skipped this pass: %s", entry.name(), why);
                failures.add(entry.name() + ": " + why);
            }
        }
        LOG.infof("Scheduler pass at %s: %d backup(s) queued, %d server(s) skipped", now, queued.size(), failures.size());
        return new Pass(now, queued, failures);
    }
}
