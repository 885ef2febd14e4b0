package io.pgvault.restore.server;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.AuthMode;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.vault.BackupLayout;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server a backup is restored into ({@code targetServer} of a restore request). Like a registry entry
 * ({@link io.pgvault.fleet.ServerEntry}) it never holds a password: {@code auth} {@code entra} logs in with the
 * app's identity token, {@code password} with the secret {@code passwordRef} names ({@code env:VAR} or a Key Vault
 * secret URI, resolved by {@link SecretResolver} just before use).
 *
 * @param host        host name or address
 * @param port        TCP port (0: 5432)
 * @param user        login role; it needs CREATEDB and CREATEROLE (Azure's server admin has both)
 * @param sslmode     libpq sslmode (null: require)
 * @param auth        entra (default) or password
 * @param passwordRef with {@code password}: where the password is
 */
public record PgTarget(String host, int port, String user, String sslmode, AuthMode auth, String passwordRef) {

    private static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    private static final Pattern NAME_63 = Pattern.compile("[^\\p{Cntrl}]{1,63}");

    /**
     * Checks every field a request can get wrong and returns the target with defaults filled in (port 5432, sslmode
     * require, auth entra); throws INVALID_REQUEST with a HINT. A passwordRef that is not a reference is refused
     * without being echoed (it may be a password).
     */
    public PgTarget checked() {
        require(host != null && HOST.matcher(host.trim()).matches(), "host: " + BackupLayout.printable(host),
                "Give the target server's host name or IP address, such as restored.postgres.database.azure.com.");
        int p = port == 0 ? 5432 : port;
        require(p >= 1 && p <= 65535, "port: " + port, "Give a TCP port from 1 to 65535 (PostgreSQL's is 5432).");
        require(user != null && NAME_63.matcher(user).matches(), "user: " + BackupLayout.printable(user),
                "Give the login role, with CREATEDB and CREATEROLE (on Azure: the server admin, or with auth entra the"
                        + " managed identity's Entra role name).");
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
        return new PgTarget(host.trim(), p, user, ssl, a, a == AuthMode.PASSWORD ? passwordRef.trim() : null);
    }

    /** {@code host:port} as a job record's target shows it (no user, no secret reference). */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "postgresql://" + BackupLayout.printable(user) + "@" + address() + " (sslmode " + sslmode + ", auth "
                + (auth == null ? null : auth.spelling()) + ")";
    }

    private static void require(boolean ok, String evidence, String hint) {
        if (!ok) {
            throw new PgvaultException(ErrorKind.INVALID_REQUEST, "targetServer is not valid.", evidence, hint);
        }
    }
}
