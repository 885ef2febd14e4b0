package io.pgvault.fleet;

import io.pgvault.config.PgAuth;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.Placement;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The registry of protected servers (Azure Backup's "configure protection"): one JSON document per server at
 * {@code .servers/<name>.json} in the vault container, created with If-None-Match {@code *} and changed only
 * with If-Match on the ETag read, so two concurrent edits never silently overwrite each other — the loser gets a
 * 409 CONFLICT with a HINT. The server of today's single-server settings (PGVAULT_SERVER_NAME) is part of every
 * listing as a read-only entry; it is never stored.
 */
@ApplicationScoped
public class ServerRegistry {

    private static final Logger LOG = Logger.getLogger(ServerRegistry.class);
    /** Folder of the registry in the vault container; a leading dot, so no server name can collide with it. */
    public static final String PREFIX = ".servers/";

    private final VaultStore vault;
    private final PgvaultConfig config;

    public ServerRegistry(VaultStore vault, PgvaultConfig config) {
        this.vault = vault;
        this.config = config;
    }

    /** An entry with the ETag of its document (null for the read-only settings entry). */
    public record Registered(ServerEntry entry, String etag) {
    }

    /** Path of a server's registry document. */
    public static String path(String name) {
        return PREFIX + BackupLayout.checkServer(name) + ".json";
    }

    /** Every server: the settings server first, then the registered ones by name. */
    public List<ServerEntry> list() {
        List<ServerEntry> out = new ArrayList<>();
        out.add(configEntry());
        for (String name : registeredNames()) {
            read(name).ifPresent(r -> out.add(r.entry()));
        }
        return out;
    }

    /** Names of the registered servers (not the settings server), sorted; one listing, no reads. */
    public List<String> registeredNames() {
        List<String> out = new ArrayList<>();
        for (String blob : vault.names(PREFIX)) {
            String name = blob.substring(PREFIX.length()).replaceFirst("\\.json$", "");
            if (!name.equals(config.serverName()) && BackupLayout.SERVER_NAME.matcher(name).matches()) {
                out.add(name);
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The entry of {@code name} with its ETag, if registered (or the settings server). */
    public Optional<Registered> get(String name) {
        BackupLayout.checkServer(name);
        if (name.equals(config.serverName())) {
            return Optional.of(new Registered(configEntry(), null));
        }
        return read(name);
    }

    /** The entry of {@code name}, or NOT_FOUND with a HINT. */
    public ServerEntry require(String name) {
        return get(name).map(Registered::entry).orElseThrow(() -> notRegistered(name));
    }

    /** NOT_FOUND for a server that is not registered. */
    public PgvaultException notRegistered(String name) {
        return new PgvaultException(ErrorKind.NOT_FOUND, "Server " + name + " is not registered.",
                "no " + path(name) + " in the vault", "List the servers with GET /api/servers or bin/pgvault servers; "
                        + "register one with POST /api/protect or bin/pgvault servers add.");
    }

    /** Registers a new server (If-None-Match *); CONFLICT if it exists. Returns it with its ETag. */
    public Registered create(ServerEntry entry) {
        requireEditable(entry.name());
        try {
            return new Registered(entry, vault.createJson(path(entry.name()), stored(entry)));
        } catch (PgvaultException e) {
            if (e.kind() != ErrorKind.CONFLICT) {
                throw e;
            }
            throw new PgvaultException(ErrorKind.CONFLICT, "Server " + entry.name() + " is already registered.",
                    "created by another request first: " + path(entry.name()) + " exists",
                    "To change it, read it (GET /api/servers) and send the change with its etag; "
                            + "nothing of this request was saved.");
        }
    }

    /** Changes a registered server only if it is still the version read ({@code etag}); the loser gets CONFLICT. */
    public Registered update(ServerEntry entry, String etag) {
        requireEditable(entry.name());
        if (etag == null || etag.isBlank()) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "An update needs the etag of the version it changes.",
                    "no etag for server " + entry.name(), "Read the entry (GET /api/servers) and send its etag.");
        }
        try {
            return new Registered(entry, vault.replaceJson(path(entry.name()), stored(entry), etag));
        } catch (PgvaultException e) {
            if (e.kind() != ErrorKind.CONFLICT) {
                throw e;
            }
            throw lostRace(entry.name(), etag);
        }
    }

    /** Removes a server's registry document if it is still the version read; CONFLICT if it changed. */
    public void remove(String name, String etag) {
        requireEditable(name);
        if (!vault.deleteIfMatch(path(name), etag)) {
            throw lostRace(name, etag);
        }
    }

    /** The read-only entry of today's single-server settings (PGVAULT_SERVER_NAME, PGVAULT_PG_*). */
    public ServerEntry configEntry() {
        PgvaultConfig.Pg pg = config.pg();
        Settings settings = new Settings(config);
        AuthMode auth = settings.pgAuth() == PgAuth.ENTRA ? AuthMode.ENTRA : AuthMode.PASSWORD;
        Placement placement = config.server().matrixPlacement();
        return new ServerEntry(config.serverName(), pg.host(), settings.pgPort(), pg.database(), pg.user(), auth, null,
                settings.pgSslMode().toString(), placement, SettingsSchedule.policy(config), ProtectionState.PROTECTED, true);
    }

    private Optional<Registered> read(String name) {
        try {
            return vault.readJson(path(name), ServerEntry.class).map(v -> new Registered(v.value(), v.etag()))
                    .filter(r -> name.equals(r.entry().name()));
        } catch (UncheckedIOException e) {
            LOG.warnf("Registry document %s is not a server entry; it is left out of the fleet", path(name));
            return Optional.empty();
        }
    }

    private static ServerEntry stored(ServerEntry e) {
        return new ServerEntry(e.name(), e.host(), e.port(), e.database(), e.user(), e.auth(), e.passwordRef(),
                e.sslmode(), e.placement(), e.policy(), e.state(), false);
    }

    /** CONFLICT if {@code name} is the settings server (read-only here). */
    public void requireEditable(String name) {
        if (BackupLayout.checkServer(name).equals(config.serverName())) {
            throw new PgvaultException(ErrorKind.CONFLICT, "Server " + name + " is defined by the app's settings.",
                    "PGVAULT_SERVER_NAME=" + name + " (a read-only entry)",
                    "Change its PGVAULT_PG_* settings instead, or register the server under another name.");
        }
    }

    private static PgvaultException lostRace(String name, String etag) {
        return new PgvaultException(ErrorKind.CONFLICT, "Server " + name + " was changed by another edit since it was read.",
                "its registry document is no longer version " + etag + " (or was removed)",
                "Read it again (GET /api/servers or bin/pgvault servers), apply your change to that version and send "
                        + "it again; your edit was not saved.");
    }
}
