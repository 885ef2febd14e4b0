package io.pgvault.fanout;

import io.pgvault.vault.queue.BackupMessage;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.vault.BackupLayout;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;

/**
 * An on-demand backup ({@code POST /api/backupNow}): queued through the same queue as the scheduler's, under the
 * same one-backup-per-ISO-week rule. A week that already has a backup committed, running or queued is refused
 * (409) naming the holder.
 */
@ApplicationScoped
public class BackupNowService {

    private final ServerRegistry registry;
    private final BackupEnqueuer enqueuer;
    private final Clock clock;

    public BackupNowService(ServerRegistry registry, BackupEnqueuer enqueuer, Clock clock) {
        this.registry = registry;
        this.enqueuer = enqueuer;
        this.clock = clock;
    }

    /** What backupNow answers with 202: the queued job to poll. */
    public record Accepted(String server, String jobId, String isoWeek, String state) {
    }

    /** Queues a backup of {@code server} now, or refuses with a HINT. */
    public Accepted request(String server) {
        if (server == null || server.isBlank()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "backupNow needs a server.", "no \"server\" in the request",
                    "Send {\"server\": \"<name>\"}; GET /api/servers lists them.");
        }
        BackupLayout.checkServer(server);
        ServerEntry entry = registry.require(server);
        if (entry.state() != ProtectionState.PROTECTED) {
            throw new PgvaultException(ErrorKind.CONFLICT, "Server " + server + " is not protected.",
                    "its state is " + entry.state().spelling(),
                    "Set its state to Protected (POST /api/protect) before asking for a backup.");
        }
        Instant now = clock.instant();
        BackupEnqueuer.Week week = enqueuer.week(server, now);
        if (week.state() != DueSlot.WeekState.FREE) {
            throw taken(server, week);
        }
        BackupMessage m = enqueuer.enqueue(server, now, BackupMessage.ON_DEMAND)
                .orElseThrow(() -> taken(server, enqueuer.week(server, now)));
        return new Accepted(server, m.jobId(), m.isoWeek(), "Queued");
    }

    private static PgvaultException taken(String server, BackupEnqueuer.Week week) {
        String what = switch (week.state()) {
            case COMMITTED -> "backup " + week.holder() + " (committed)";
            case RUNNING -> "backup " + week.holder() + " (running)";
            case QUEUED -> "queued job " + week.holder();
            case FREE -> "another request that queued it a moment ago";
        };
        return new PgvaultException(ErrorKind.CONFLICT,
                "Server " + server + " already has a backup in week " + week.isoWeek() + "; the support matrix allows one per week.",
                "week " + week.isoWeek() + " is held by " + what,
                "Follow that one (GET /api/jobs?server=" + server + "); the next slot opens next Monday 00:00 UTC.");
    }
}
