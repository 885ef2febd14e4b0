package io.pgvault.postgres;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens every JDBC session pgvault has with a PostgreSQL server — the one place that does (ArchitectureTest keeps
 * it so) — and makes each one safe to run in a database whose owner pgvault does not trust.
 *
 * <p>A database owner can create functions, operators and tables in a schema of the session's {@code search_path}
 * (its {@code public}, or whatever {@code ALTER DATABASE … SET search_path} names) that capture pgvault's
 * unqualified calls, and row-level security policies that run their functions in pgvault's queries — as
 * pgvault's role, a superuser or the server admin. So every session runs with
 * <ul>
 *   <li>{@code search_path = pg_catalog, pg_temp}: only the system catalog resolves names ({@code pg_temp} last,
 *       so a temporary table cannot shadow a catalog; functions and operators are never looked up there);</li>
 *   <li>{@code row_security = off}: a policy is never applied; a query it would affect fails instead (unless
 *       the role has BYPASSRLS), and the caller reports that.</li>
 * </ul>
 * Both are startup options: they are in force before the first statement and outrank the database's and the
 * role's own settings ({@code ALTER DATABASE/ROLE … SET}). They are SET once more right after connecting, for a
 * connection pooler that drops startup options instead of passing them on.
 */
@ApplicationScoped
public class PgConnections {

    /** The session settings every pgvault session starts with (pgjdbc's {@code options}, libpq's PGOPTIONS syntax). */
    public static final String SESSION_OPTIONS = "-c search_path=pg_catalog,pg_temp -c row_security=off";

    private static final Driver DRIVER = new Driver();

    private final PgvaultConfig config;
    private final PgCredentials credentials;

    private final Settings settings;

    public PgConnections(PgvaultConfig config, Settings settings, PgCredentials credentials) {
        this.config = config;
        this.settings = settings;
        this.credentials = credentials;
    }

    /** pgvault's own login: the configured role with its password or Entra token. */
    public PgLogin pgvaultLogin() {
        return new PgLogin(config.pg().user(), credentials.password());
    }

    /** pgvault's role name (for messages; no secret is read). */
    public String role() {
        return config.pg().user();
    }

    /** A session of pgvault's own role in one database of the configured server. */
    public Connection open(String database) throws SQLException {
        return open(database, pgvaultLogin());
    }

    /** A session of {@code login} in one database of the configured server. */
    public Connection open(String database, PgLogin login) throws SQLException {
        PgvaultConfig.Pg pg = config.pg();
        Properties props = new Properties();
        props.setProperty("user", login.user());
        props.setProperty("password", login.password());
        props.setProperty("sslmode", settings.pgSslMode().toString());
        props.setProperty("ApplicationName", "pgvault");
        props.setProperty("connectTimeout", "30");
        props.setProperty("options", SESSION_OPTIONS);
        // The database name goes in the property, not the URL, so no character in it needs escaping.
        props.setProperty("PGDBNAME", database);
        String host = pg.host().contains(":") ? "[" + pg.host() + "]" : pg.host();
        // The driver itself, not DriverManager: DriverManager only hands out drivers the caller's class loader
        // registered, which fails after a class-loader change (e.g. a Quarkus test restart with another profile).
        Connection c = DRIVER.connect("jdbc:postgresql://" + host + ":" + settings.pgPort() + "/", props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL", "08001");
        }
        // Inspection reads every table with a bytea column; behind another session's ACCESS EXCLUSIVE lock it
        // would wait forever. Give up after the same wait pg_dump is allowed. SETs, not only startup options, so
        // they also hold through a pooler (PgBouncer) that ignores startup options.
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path = pg_catalog, pg_temp; SET row_security = off; SET lock_timeout = "
                    + Math.max(1, settings.lockWaitTimeout().toMillis()));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
