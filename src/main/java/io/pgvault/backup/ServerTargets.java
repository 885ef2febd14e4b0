package io.pgvault.backup;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.fleet.AuthMode;
import io.pgvault.fleet.HostAllowList;
import io.pgvault.fleet.EntryConfig;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.postgres.PgConnections;
import io.pgvault.postgres.PgCredentials;
import io.pgvault.postgres.PgTools;
import io.pgvault.postgres.ServerInspector;
import io.pgvault.retention.RetentionPolicy;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The server a backup runs against, with the steps wired to it: the settings server (today's single-server
 * settings, the injected beans) or any registry entry (the same step classes, built with the entry's view of the
 * settings, {@link EntryConfig}, and its password resolved by {@link SecretResolver} just before use).
 */
@ApplicationScoped
public class ServerTargets {

    private final PgvaultConfig config;
    private final BackupPreflight preflights;
    private final DatabaseDumps dumps;
    private final SecretResolver secrets;
    private final WeekClaims weeks;
    private final VaultStore vault;

    public ServerTargets(PgvaultConfig config, BackupPreflight preflights, DatabaseDumps dumps, SecretResolver secrets,
            WeekClaims weeks, VaultStore vault) {
        this.config = config;
        this.preflights = preflights;
        this.dumps = dumps;
        this.secrets = secrets;
        this.weeks = weeks;
        this.vault = vault;
    }

    /** One server's settings and backup steps. */
    public record Target(PgvaultConfig config, BackupPreflight preflights, DatabaseDumps dumps) {
        /** The server's retention rules. */
        public RetentionPolicy retention() {
            return RetentionPolicy.of(new Settings(config));
        }
    }

    /** The settings server, exactly as the weekly timer has always backed it up. */
    public Target settings() {
        return new Target(config, preflights, dumps);
    }

    /** A registry entry (the read-only settings entry is {@link #settings()}). */
    public Target of(ServerEntry entry) {
        if (entry.readOnly()) {
            return settings();
        }
        // A stored entry is checked again: the list may have shrunk, or the document been written by hand.
        HostAllowList.check(new Settings(config).fleetAllowedHosts(), entry.name(), entry.host());
        String password = entry.auth() == AuthMode.PASSWORD ? secrets.resolve(entry.passwordRef()) : null;
        PgvaultConfig view = EntryConfig.of(config, entry, password);
        Settings settings = new Settings(view); // the entry's values, parsed and checked like the app's
        PgCredentials credentials = new PgCredentials(view, settings);
        PgTools tools = new PgTools(view, settings, credentials);
        PgConnections connections = new PgConnections(view, settings, credentials);
        ServerInspector inspector = new ServerInspector(view, connections);
        BackupPreflight preflight = new BackupPreflight(view, settings, inspector, tools, weeks, new BackupHistory(vault));
        return new Target(view, preflight, new DatabaseDumps(view, settings, tools, vault, connections));
    }
}
