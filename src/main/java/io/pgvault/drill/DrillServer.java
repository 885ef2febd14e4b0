package io.pgvault.drill;

import io.pgvault.config.PgAuth;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.fleet.AuthMode;
import io.pgvault.fleet.EntryConfig;
import io.pgvault.fleet.SecretResolver;
import io.pgvault.fleet.ServerEntry;
import io.pgvault.postgres.PgConnections;
import io.pgvault.postgres.PgCredentials;
import io.pgvault.restore.server.PgTarget;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The configured drill server ({@code pgvault.drill.server.*}) as a restore target, and sessions in its databases
 * for the drill's checks, opened by {@link PgConnections} (safe search_path, row_security off) with the login the
 * settings name: the app's Entra token, or the password its reference points to, resolved just before use.
 */
final class DrillServer {

    /** The name the drill server's sessions carry in pgvault's settings view; never a server in the vault. */
    private static final String NAME = "pgvault-drill-server";

    private final PgTarget target;
    private final PgConnections connections;

    private DrillServer(PgTarget target, PgConnections connections) {
        this.target = target;
        this.connections = connections;
    }

    /** The configured drill server; BAD_SETTING with a HINT if none is configured or a setting is bad. */
    static DrillServer configured(PgvaultConfig config, SecretResolver secrets) {
        PgvaultConfig.DrillServer s = config.drill().server();
        String host = s.host().map(String::trim).orElse("");
        if (host.isEmpty()) {
            throw new PgvaultException(ErrorKind.BAD_SETTING, "No drill server is configured: restore drills need one.",
                    "PGVAULT_DRILL_SERVER_HOST is empty", "Set PGVAULT_DRILL_SERVER_HOST (and _USER, _AUTH, _PASSWORD_REF) "
                            + "to a PostgreSQL server pgvault may create and drop databases on; never a protected server.");
        }
        Settings settings = new Settings(config);
        AuthMode auth = settings.drillAuth() == PgAuth.PASSWORD ? AuthMode.PASSWORD : AuthMode.ENTRA;
        PgTarget target = new PgTarget(host, settings.drillPort(), s.user().orElse(""), settings.drillSslMode().toString(),
                auth, s.passwordRef().orElse(null)).checked();
        String password = auth == AuthMode.PASSWORD ? secrets.resolve(target.passwordRef()) : null;
        ServerEntry entry = new ServerEntry(NAME, target.host(), target.port(), "postgres", target.user(), auth,
                target.passwordRef(), target.sslmode(), null, null, null, false);
        PgvaultConfig view = EntryConfig.of(config, entry, password);
        Settings viewSettings = new Settings(view);
        return new DrillServer(target, new PgConnections(view, viewSettings, new PgCredentials(view, viewSettings)));
    }

    PgTarget target() {
        return target;
    }

    /** A session in one database of the drill server. */
    Connection open(String database) throws SQLException {
        return connections.open(database);
    }
}
