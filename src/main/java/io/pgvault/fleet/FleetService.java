package io.pgvault.fleet;

import io.pgvault.backup.BackupService;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.ServerStatus;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.MatrixRule;
import io.pgvault.matrix.Verdict;
import io.pgvault.matrix.Violation;
import io.pgvault.retention.ServerDeletion;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Configure and stop protection (Azure Backup's "configure protection" and "stop protection"): registering a
 * server runs the support matrix's preflight against it at once and saves it only if the matrix accepts it — or
 * with {@code force}, then it shows as refused; stopping keeps its backups, or deletes them with an explicit
 * confirmation and never past an immutability policy or legal hold.
 */
@ApplicationScoped
public class FleetService {

    private static final Logger LOG = Logger.getLogger(FleetService.class);

    private final ServerRegistry registry;
    private final BackupService backups;
    private final JobStore jobs;
    private final ServerDeletion deletion;
    private final WeekClaims weeks;
    private final PgvaultConfig config;
    private final Clock clock;

    public FleetService(ServerRegistry registry, BackupService backups, JobStore jobs, ServerDeletion deletion,
            WeekClaims weeks, PgvaultConfig config, Clock clock) {
        this.registry = registry;
        this.backups = backups;
        this.jobs = jobs;
        this.deletion = deletion;
        this.weeks = weeks;
        this.config = config;
        this.clock = clock;
    }

    /** Creates or replaces a server's entry after its preflight; see the class comment. */
    public ProtectAnswer protect(ProtectRequest request) {
        if (request == null) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The request has no body.", "empty request",
                    "Send a JSON object such as {\"server\":\"pg1\",\"host\":\"pg1.postgres.database.azure.com\","
                            + "\"port\":5432,\"user\":\"pgvault\",\"auth\":\"entra\"}.");
        }
        ServerEntry entry = request.entry(BackupPolicy.defaults(config));
        HostAllowList.check(new Settings(config).fleetAllowedHosts(), entry.name(), entry.host()); // before any connection
        registry.requireEditable(entry.name());
        var existing = registry.get(entry.name());
        Instant now = clock.instant();
        Judged judged = judge(entry, now);
        if (!judged.allowed() && !request.forced()) {
            throw judged.refusal(entry.name());
        }
        ServerRegistry.Registered saved = existing.isEmpty() ? registry.create(entry)
                : registry.update(entry, request.etag() != null ? request.etag() : existing.get().etag());
        recordPreflight(entry.name(), new ServerStatus.Preflight(now, judged.allowed(), !judged.allowed(), judged.problems()));
        LOG.infof("Server %s %s (%s%s)", entry.name(), existing.isEmpty() ? "registered" : "changed",
                judged.allowed() ? "preflight passed" : "preflight refused", judged.allowed() ? "" : ", saved with force");
        return new ProtectAnswer(entry.name(), true, existing.isEmpty(), saved.etag(), entry.state(), judged.allowed(),
                !judged.allowed(), judged.failure == null ? null : Redactor.redact(judged.failure.render()), judged.verdict);
    }

    /** Stops protection of a registered server; see {@link UnprotectRequest}. */
    public UnprotectAnswer unprotect(UnprotectRequest request) {
        if (request == null || request.keepBackups() == null) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "Say whether the backups are kept.",
                    "keepBackups is missing", "Send {\"server\":\"pg1\",\"keepBackups\":true} to stop protection and "
                            + "keep the backups, or keepBackups false with \"confirmDelete\":\"pg1\" to delete them.");
        }
        String name = BackupLayout.checkServer(request.server());
        registry.requireEditable(name);
        ServerRegistry.Registered reg = registry.get(name).orElseThrow(() -> registry.notRegistered(name));
        String etag = request.etag() != null ? request.etag() : reg.etag();
        if (request.keepBackups()) {
            registry.update(reg.entry().withState(ProtectionState.STOPPED), etag);
            return new UnprotectAnswer(name, ProtectionState.STOPPED, false, List.of());
        }
        if (!name.equals(request.confirmDelete())) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "Deleting the backups of server " + name
                    + " needs an explicit confirmation; nothing was changed.", "confirmDelete: "
                    + BackupLayout.printable(request.confirmDelete()), "Send \"confirmDelete\":\"" + name + "\" to "
                            + "delete every backup of it (this cannot be undone), or keepBackups true to keep them.");
        }
        // Stopped first (If-Match), so no new backup of it starts while its backups go.
        ServerRegistry.Registered stopped = registry.update(reg.entry().withState(ProtectionState.STOPPED), etag);
        refuseWhileRunning(name);
        List<String> deleted = deletion.deleteAll(name);
        registry.remove(name, stopped.etag());
        LOG.infof("Server %s: protection stopped, %d backup(s) deleted, entry removed", name, deleted.size());
        return new UnprotectAnswer(name, ProtectionState.STOPPED, true, deleted);
    }

    private void refuseWhileRunning(String name) {
        Instant now = clock.instant();
        weeks.list(name, now).stream().filter(c -> c.running() && !c.committed()).findFirst().ifPresent(c -> {
            throw new PgvaultException(ErrorKind.CONFLICT, "A backup of server " + name + " is running; nothing was "
                    + "deleted.", "backup " + c.doc().backupId() + " holds week " + c.isoWeek(),
                    "The server is Stopped now, so no new backup starts; send the request again when it has ended.");
        });
    }

    private void recordPreflight(String name, ServerStatus.Preflight preflight) {
        try {
            jobs.updateStatus(name, s -> s.withPreflight(preflight, preflight.checkedAt()));
        } catch (RuntimeException e) {
            LOG.warnf("Could not record the preflight of %s in its status: %s", name, e.getMessage());
        }
    }

    /** The preflight of a registration: the verdict, or the failure that kept it from judging. */
    private record Judged(Verdict verdict, PgvaultException failure) {
        boolean allowed() {
            return failure == null && verdict.allowed();
        }

        List<String> problems() {
            return failure != null ? List.of(Redactor.redact(failure.render()))
                    : verdict.errors().stream().map(Violation::render).toList();
        }

        PgvaultException refusal(String name) {
            if (failure == null) {
                return new MatrixRefusedException("Protection of server " + name + " (not saved; \"force\": true saves "
                        + "it anyway, shown as refused)", verdict);
            }
            return new PgvaultException(failure.kind(), "Server " + name + " was not saved: its preflight failed. "
                    + failure.problem(), failure.evidence(), failure.hint() + " To save it anyway (it shows as refused "
                            + "until a preflight passes), send \"force\": true.", failure);
        }
    }

    private Judged judge(ServerEntry entry, Instant now) {
        try {
            Verdict v = backups.preflight(entry, BackupType.FULL, now).verdict();
            // This week's slot being taken is no reason to refuse a registration.
            return new Judged(new Verdict(v.violations().stream()
                    .filter(x -> !x.ruleId().equals(MatrixRule.ONE_BACKUP_PER_WEEK.id())).toList(), v.selection()), null);
        } catch (PgvaultException e) {
            return new Judged(null, e);
        }
    }
}
