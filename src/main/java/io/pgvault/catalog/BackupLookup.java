package io.pgvault.catalog;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * How a request names a server and its backups, for every job that reads a backup (restore, verify): the server
 * defaults to the configured one; a backup is an id, {@code latest} (the default: the newest committed backup)
 * or, where a job takes several, {@code all}. A name that finds nothing is refused with what was looked for.
 */
@ApplicationScoped
public class BackupLookup {

    public static final String LATEST = "latest";
    public static final String ALL = "all";

    private final PgvaultConfig config;
    private final VaultStore vault;

    public BackupLookup(PgvaultConfig config, VaultStore vault) {
        this.config = config;
        this.vault = vault;
    }

    /** The checked server name a request names, or the configured server if it names none. */
    public String server(String server) {
        return BackupLayout.checkServer(server == null || server.isBlank() ? config.serverName() : server);
    }

    /** The manifest of the named backup, or of the newest committed one for {@code latest} (or no name). */
    public Manifest one(String server, String backupId) {
        return backups(server, backupId, false).get(0);
    }

    /**
     * The backups a name stands for, newest first: one for an id or {@code latest} (or no name); with
     * {@code allowAll}, every committed backup for {@code all}.
     */
    public List<Manifest> backups(String server, String backupId, boolean allowAll) {
        // not trimmed: an id with anything around it (" id", "id\0") is refused as not valid, never guessed
        String which = backupId == null || backupId.isBlank() ? LATEST : backupId;
        boolean all = allowAll && ALL.equalsIgnoreCase(which);
        if (LATEST.equalsIgnoreCase(which) || all) {
            List<Manifest> catalog = vault.catalog(server);
            if (catalog.isEmpty()) {
                throw new PgvaultException(ErrorKind.NOT_FOUND, "Server " + server + " has no committed backup in the vault.",
                        "container " + config.vault().container() + ", prefix " + server + "/",
                        "Check the server name (GET /api/backups?server=... or bin/pgvault list --server ...), or run a "
                                + "backup first (bin/pgvault backup).");
            }
            return all ? catalog : List.of(catalog.get(0));
        }
        return List.of(vault.manifest(server, BackupLayout.checkBackupId(which)).orElseThrow(() -> new PgvaultException(
                ErrorKind.NOT_FOUND, "Backup " + which + " of server " + server + " does not exist (no manifest).",
                "looked for " + BackupLayout.manifestPath(server, which),
                "Pick an id from the catalog (GET /api/backups?server=" + server + " or bin/pgvault list), or use \""
                        + LATEST + "\"" + (allowAll ? " or \"" + ALL + "\"." : "."))));
    }
}
