package io.pgvault.fleet;

import io.pgvault.jobs.JobKind;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.ServerStatus;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The fleet at a glance: one {@link ServerView} per server, failures first. It reads the registry and one small
 * status document per server ({@link ServerStatus}) — never the job records — a few at a time, so 500 servers
 * cost 1,000 small reads however long their history. A run the status still shows as running is confirmed
 * against its week claim (a killed run shows as failed).
 */
@ApplicationScoped
public class FleetView {

    /** Order of the view: what needs attention first. */
    static final List<String> ORDER = List.of("failed", "refused", "due", "running", "queued", "scheduled", "done",
            "paused", "stopped");
    private static final int READERS = 8;

    private final ServerRegistry registry;
    private final JobStore jobs;
    private final WeekClaims weeks;
    private final Clock clock;
    private final ExecutorService readers = Executors.newFixedThreadPool(READERS, r -> {
        Thread t = new Thread(r, "pgvault-fleet-view");
        t.setDaemon(true);
        return t;
    });

    public FleetView(ServerRegistry registry, JobStore jobs, WeekClaims weeks, Clock clock) {
        this.registry = registry;
        this.jobs = jobs;
        this.weeks = weeks;
        this.clock = clock;
    }

    /** Every server, failures first, then by name. */
    public List<ServerView> servers() {
        Instant now = clock.instant();
        List<String> names = new ArrayList<>();
        names.add(registry.configEntry().name());
        names.addAll(registry.registeredNames());
        List<CompletableFuture<ServerView>> views = names.stream()
                .map(n -> CompletableFuture.supplyAsync(() -> view(n, now), readers)).toList();
        List<ServerView> out = new ArrayList<>();
        for (CompletableFuture<ServerView> f : views) {
            ServerView v = join(f);
            if (v != null) {
                out.add(v);
            }
        }
        out.sort(Comparator.comparing((ServerView v) -> ORDER.indexOf(v.weekStatus())).thenComparing(ServerView::name));
        return out;
    }

    private static ServerView join(CompletableFuture<ServerView> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    private ServerView view(String name, Instant now) {
        var reg = registry.get(name);
        if (reg.isEmpty()) {
            return null; // removed meanwhile
        }
        ServerEntry e = reg.get().entry();
        ServerStatus s = jobs.status(name).orElse(ServerStatus.empty(name));
        String week = WeekClaims.isoWeek(now);
        Instant slot = slot(e.policy(), now);
        String status = weekStatus(e, s, week, slot, now);
        Instant nextDue = switch (status) {
            case "paused", "stopped" -> null;
            case "done" -> slot.plus(java.time.Duration.ofDays(7));
            default -> slot;
        };
        return new ServerView(e.name(), e.readOnly(), e.state(), e.host(), e.port(), e.database(), e.user(), e.auth(),
                e.passwordRef(), e.sslmode(), e.policy(), reg.get().etag(), week, status, nextDue, s.lastBackup(),
                s.lastJob(), s.lastVerify(), s.preflight(), e.state() == ProtectionState.PROTECTED ? s.overdue() : null);
    }

    /** This ISO week's slot of a policy (UTC). */
    static Instant slot(BackupPolicy p, Instant now) {
        return now.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .with(TemporalAdjusters.nextOrSame(p.dayOfWeek())).atStartOfDay(ZoneOffset.UTC)
                .plusHours(p.hourUtc()).toInstant();
    }

    private String weekStatus(ServerEntry e, ServerStatus s, String week, Instant slot, Instant now) {
        if (e.state() != ProtectionState.PROTECTED) {
            return e.state() == ProtectionState.PAUSED ? "paused" : "stopped";
        }
        if (s.lastBackup() != null && week.equals(WeekClaims.isoWeek(BackupLayout.startOf(s.lastBackup().backupId())))) {
            return "done";
        }
        ServerStatus.JobSummary job = s.lastJob();
        if (job != null && job.kind() == JobKind.BACKUP && job.startedAt() != null
                && week.equals(WeekClaims.isoWeek(job.startedAt()))) {
            String fromJob = fromJob(e.name(), job, week, now);
            if (fromJob != null) {
                return fromJob;
            }
        }
        if (s.preflight() != null && !s.preflight().allowed()) {
            return "refused";
        }
        return now.isBefore(slot) ? "scheduled" : "due";
    }

    private String fromJob(String server, ServerStatus.JobSummary job, String week, Instant now) {
        if (job.state() == JobState.QUEUED) {
            return "queued";
        }
        if (!job.state().terminal()) {
            // a killed run never reports its end: trust "running" only while its week claim is held
            return weeks.slot(server, week, now).held() ? "running" : "failed";
        }
        return switch (job.state()) {
            case REFUSED -> "refused";
            case FAILED, INTERRUPTED -> "failed";
            default -> null;
        };
    }
}
