package io.pgvault.fleet;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.Placement;
import io.pgvault.vault.BackupLayout;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * One protected server of the fleet, as the registry stores it at {@code .servers/<name>.json} in the vault
 * container (Azure Backup's backup instance). It never holds a password: {@code passwordRef} names where the
 * password is ({@code env:VAR} locally, a Key Vault secret URI in Azure), {@link SecretResolver} fetches it.
 *
 * @param name        the server's name in the vault (same rules as PGVAULT_SERVER_NAME)
 * @param host        host name or address of the PostgreSQL server
 * @param port        TCP port
 * @param database    database used for inspection and pg_dumpall's connection
 * @param user        login role
 * @param auth        entra (the app's managed identity) or password
 * @param passwordRef with {@code password}: {@code env:VAR} or {@code https://<vault>.vault.azure.net/secrets/<name>}
 * @param sslmode     libpq sslmode
 * @param placement   tenant, subscription and region of the server, for the matrix's placement rules
 * @param policy      weekly slot, retention, compression, parallelism
 * @param state       Protected, Paused or Stopped
 * @param readOnly    true for the server of today's single-server settings (PGVAULT_SERVER_NAME): not stored,
 *                    not editable through the registry
 */
public record ServerEntry(String name, String host, int port, String database, String user, AuthMode auth,
        String passwordRef, String sslmode, Placement placement, BackupPolicy policy, ProtectionState state,
        boolean readOnly) {

    /** libpq's sslmodes. */
    static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** A host name or address: no spaces, quotes, slashes or control characters (it goes into a JDBC URL and PGHOST). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    /** PostgreSQL identifiers are at most 63 bytes; control characters are never a name pgvault accepts. */
    private static final Pattern NAME_63 = Pattern.compile("[^\\p{Cntrl}]{1,63}");

    /** The entry with the given state. */
    public ServerEntry withState(ProtectionState newState) {
        return new ServerEntry(name, host, port, database, user, auth, passwordRef, sslmode, placement, policy, newState,
                readOnly);
    }

    /**
     * Checks every field a request can get wrong and returns the entry with defaults filled in; throws
     * INVALID_REQUEST with a HINT. A {@code passwordRef} that is not a reference is refused without being echoed
     * (it may be a password).
     */
    public ServerEntry checked(BackupPolicy defaults) {
        BackupLayout.checkServer(name);
        require(host != null && HOST.matcher(host).matches(), "host: " + BackupLayout.printable(host),
                "Give the server's host name or IP address, such as myserver.postgres.database.azure.com.");
        require(port >= 1 && port <= 65535, "port: " + port, "Give a TCP port from 1 to 65535 (PostgreSQL's is 5432).");
        String db = database == null || database.isBlank() ? "postgres" : database;
        require(NAME_63.matcher(db).matches(), "database: " + BackupLayout.printable(db), "Use an existing database "
                + "name of at most 63 characters (postgres by default).");
        require(user != null && NAME_63.matcher(user).matches(), "user: " + BackupLayout.printable(user),
                "Give the login role (with auth entra: the managed identity's Entra role name).");
        String ssl = sslmode == null || sslmode.isBlank() ? "require" : sslmode.trim();
        require(SSLMODES.contains(ssl), "sslmode: " + BackupLayout.printable(ssl),
                "Use one of disable, allow, prefer, require, verify-ca, verify-full.");
        AuthMode a = auth == null ? AuthMode.ENTRA : auth;
        if (a == AuthMode.PASSWORD) {
            SecretResolver.checkReference(passwordRef);
        } else {
            require(passwordRef == null || passwordRef.isBlank(), "auth: entra with a passwordRef",
                    "Drop passwordRef (Entra needs none), or set auth to \"password\".");
        }
        BackupPolicy p = (policy == null ? defaults : defaults == null ? policy : policy.orDefaults(defaults)).check();
        return new ServerEntry(name, host, port, db, user, a, a == AuthMode.PASSWORD ? passwordRef.trim() : null, ssl,
                placement == null ? Placement.unknown() : placement, p, state == null ? ProtectionState.PROTECTED : state,
                false);
    }

    private static void require(boolean ok, String evidence, String hint) {
        if (!ok) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "The server entry is not valid.", evidence, hint);
        }
    }
}
