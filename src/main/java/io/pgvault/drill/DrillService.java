package io.pgvault.drill;

import io.pgvault.catalog.BackupLookup;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.Redactor;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Restore drills (docs/drills.md): for each protected server — the registry's entries and the settings server —
 * or one named server, the newest committed backup is restored into the configured drill server, checked and
 * dropped by {@link DrillRun}; and the history of drills, newest first. The timer, the HTTP function and the CLI
 * all come here.
 */
@ApplicationScoped
public class DrillService {

    private static final Logger LOG = Logger.getLogger(DrillService.class);

    private final PgvaultConfig config;
    private final ServerRegistry registry;
    private final BackupLookup backups;
    private final SecretResolver secrets;
    private final VaultStore vault;
    private final DrillRun runs;

    public DrillService(PgvaultConfig config, ServerRegistry registry, BackupLookup backups, SecretResolver secrets,
            VaultStore vault, DrillRun runs) {
        this.config = config;
        this.registry = registry;
        this.backups = backups;
        this.secrets = secrets;
        this.vault = vault;
        this.runs = runs;
    }

    /**
     * Drills the newest backup of {@code server}, or of every protected server (null), one after the other; the
     * reports. A server without a committed backup is skipped (the overdue watch reports it), except when named.
     */
    public List<DrillReport> drill(String server) {
        DrillServer drill = DrillServer.configured(config, secrets); // a bad or missing setting before any job
        List<DrillReport> reports = new ArrayList<>();
        if (server != null && !server.isBlank()) {
            String name = backups.server(server);
            reports.add(runs.run(name, backups.one(name, BackupLookup.LATEST), drill));
            return reports;
        }
        for (String name : protectedServers()) {
            List<Manifest> newest = vault.catalog(name);
            if (newest.isEmpty()) {
                LOG.infof("Restore drill: server %s has no committed backup yet; nothing to drill", name);
                continue;
            }
            try {
                reports.add(runs.run(name, newest.get(0), drill));
            } catch (RuntimeException e) { // the vault failed mid-drill: the next server may still be drilled
                LOG.warnf("Restore drill of server %s could not run: %s", name, Redactor.redact(String.valueOf(e.getMessage())));
            }
        }
        return reports;
    }

    /** The protected servers, the settings server first. */
    private List<String> protectedServers() {
        return registry.list().stream().filter(e -> e.state() == null || e.state() == ProtectionState.PROTECTED)
                .map(ServerEntry::name).toList();
    }

    /** Drill reports of one server, or of every server in the registry (null), newest first. */
    public List<DrillReport> history(String server) {
        List<String> servers = server == null || server.isBlank()
                ? registry.list().stream().map(ServerEntry::name).toList() : List.of(backups.server(server));
        List<DrillReport> out = new ArrayList<>();
        for (String name : servers) {
            for (String blob : vault.names(BackupLayout.drillsPrefix(name))) {
                vault.readJson(blob, DrillReport.class).map(VaultStore.Versioned::value).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(DrillReport::startedAt).reversed());
        return out;
    }
}
