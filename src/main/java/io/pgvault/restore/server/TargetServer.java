package io.pgvault.restore.server;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.AuthMode;
import io.pgvault.fleet.BackupPolicy;
import io.pgvault.fleet.EntryConfig;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.matrix.Placement;
import io.pgvault.postgres.PgConnections;
import io.pgvault.postgres.PgCredentials;
import io.pgvault.postgres.PgLogin;
import io.pgvault.postgres.PgTools;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The target server of a restore, wired like a registry entry ({@link EntryConfig}): its own {@link PgConnections}
 * (JDBC sessions made safe as every pgvault session) and {@link PgTools} (pg_restore, psql with the login in their
 * environment only). The password is resolved once from its reference; an Entra token is fetched for each
 * session or tool run (a token lives about an hour, a restore may take longer).
 */
final class TargetServer {

    private final PgTarget target;
    private final PgConnections connections;
    private final PgTools tools;

    private TargetServer(PgTarget target, PgConnections connections, PgTools tools) {
        this.target = target;
        this.connections = connections;
        this.tools = tools;
    }

    /** The checked target's wiring; resolves its password (never logged: the resolver registers it for redaction). */
    static TargetServer of(PgvaultConfig config, SecretResolver secrets, String server, PgTarget target) {
        String password = target.auth() == AuthMode.PASSWORD ? secrets.resolve(target.passwordRef()) : null;
        ServerEntry entry = new ServerEntry(server, target.host(), target.port(), "postgres", target.user(),
                target.auth(), target.passwordRef(), target.sslmode(), Placement.unknown(),
                BackupPolicy.defaults(config), ProtectionState.PROTECTED, false);
        PgvaultConfig view = EntryConfig.of(config, entry, password);
        Settings settings = new Settings(view);
        PgCredentials credentials = new PgCredentials(view, settings);
        PgConnections connections = new PgConnections(view, settings, credentials);
        return new TargetServer(target, connections, new PgTools(view, settings, credentials));
    }

    PgTarget target() {
        return target;
    }

    PgTools tools() {
        return tools;
    }

    PgLogin login() {
        return connections.pgvaultLogin();
    }

    /** A session in one database of the target, as the target's login. */
    Connection open(String database) throws SQLException {
        return connections.open(database, login());
    }

    /** A tool run against one database of the target, as the target's login. */
    ProcessBuilder command(String database, String tool, List<String> args) {
        return tools.command(database, tool, args, login());
    }

    /** The error of a failed step on the target: its SQLSTATE and message, and what to check. */
    PgvaultException unavailable(String what, SQLException e) {
        return new PgvaultException(ErrorKind.DATABASE_UNAVAILABLE, "Could not " + what + " on target server "
                + target.address() + ".", "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(),
                "Check that the target accepts pgvault's login (host, port, sslmode, user, and its password reference or"
                        + " Entra role) and that the user has CREATEDB and CREATEROLE (on Azure: the server admin).", e);
    }
}
