package io.pgvault.postgres;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.DatabaseUnavailableException;
import io.pgvault.matrix.ByteaFacts;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.matrix.Placement;
import io.pgvault.matrix.ServerFacts;
import io.pgvault.matrix.SupportMatrix;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gathers the facts the support matrix judges, over JDBC: server version, recovery state, every database
 * with its owner and size, and the largest value of every bytea column of the databases that would be
 * backed up. Read-only; one short connection per database.
 */
@ApplicationScoped
public class ServerInspector {

    private static final String DATABASES = """
            SELECT d.datname, r.rolname, d.datallowconn,
                   CASE WHEN has_database_privilege(d.oid, 'CONNECT') THEN pg_database_size(d.oid) ELSE 0 END
            FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
            ORDER BY d.datname""";

    /**
     * Columns of type bytea or of a domain over bytea (domains over domains included), in plain tables
     * and materialized views; partitions are scanned as themselves, so each row is counted once.
     */
    private static final String BYTEA_COLUMNS = """
            WITH RECURSIVE bytea_types(oid) AS (
                SELECT 'bytea'::regtype::oid
                UNION SELECT t.oid FROM pg_type t JOIN bytea_types b ON t.typbasetype = b.oid WHERE t.typtype = 'd')
            SELECT n.nspname, c.relname, a.attname
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE a.atttypid IN (SELECT oid FROM bytea_types)
              AND a.attnum > 0 AND NOT a.attisdropped
              AND c.relkind IN ('r', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            ORDER BY 1, 2, 3""";

    private static final Driver DRIVER = new Driver();

    private final PgvaultConfig config;
    private final PgCredentials credentials;

    public ServerInspector(PgvaultConfig config, PgCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
    }

    /** Inspects the configured server: everything the matrix needs to judge a backup. */
    public ServerFacts inspect() {
        String version;
        int versionNum;
        boolean inRecovery;
        List<DatabaseFacts> databases = new ArrayList<>();
        try (Connection c = connect(config.pg().database()); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT current_setting('server_version'), current_setting('server_version_num')::int, "
                            + "pg_is_in_recovery()")) {
                rs.next();
                version = rs.getString(1).split(" ")[0];
                versionNum = rs.getInt(2);
                inRecovery = rs.getBoolean(3);
            }
            try (ResultSet rs = st.executeQuery(DATABASES)) {
                while (rs.next()) {
                    databases.add(new DatabaseFacts(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)));
                }
            }
        } catch (SQLException e) {
            throw unavailable(config.pg().database(), e);
        }
        List<ByteaFacts> bytea = largestByteaValues(SupportMatrix.selectDatabases(databases).included());
        return new ServerFacts(config.serverName(), version, versionNum / 10000, inRecovery, databases, bytea,
                placement(config.server()));
    }

    /**
     * The largest bytea values of several databases, a few databases at once: each costs a connection and a
     * heap scan per bytea table, and on a server with many databases their sum would dominate the preflight.
     */
    private List<ByteaFacts> largestByteaValues(List<DatabaseFacts> included) {
        if (included.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(INSPECTION_CONCURRENCY, included.size()));
        try {
            List<Future<List<ByteaFacts>>> each = new ArrayList<>();
            for (DatabaseFacts db : included) {
                each.add(pool.submit(() -> largestByteaValues(db.name())));
            }
            List<ByteaFacts> out = new ArrayList<>();
            for (var f : each) {
                try {
                    out.addAll(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("inspection interrupted", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Databases inspected at once: enough to hide connection latency, few enough not to load the server. */
    private static final int INSPECTION_CONCURRENCY = 4;

    /**
     * The largest value of each bytea column in one database. {@code octet_length} of a bytea reads the
     * length from the value's header (for a TOASTed value, the TOAST pointer's raw size) without fetching
     * or decompressing the value, so this costs one scan of the table's main heap, not of its TOAST data.
     */
    List<ByteaFacts> largestByteaValues(String database) {
        List<ByteaFacts> out = new ArrayList<>();
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(BYTEA_COLUMNS)) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] col : columns) {
                String sql = "SELECT coalesce(max(octet_length(" + ident(col[2]) + ")), 0) FROM "
                        + ident(col[0]) + "." + ident(col[1]);
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    out.add(new ByteaFacts(database, col[0], col[1], col[2], rs.getLong(1)));
                }
            }
        } catch (SQLException e) {
            throw unavailable(database, e);
        }
        return out;
    }

    /** A JDBC connection to one database of the configured server. */
    public Connection connect(String database) throws SQLException {
        PgvaultConfig.Pg pg = config.pg();
        Properties props = new Properties();
        props.setProperty("user", pg.user());
        props.setProperty("password", credentials.password());
        props.setProperty("sslmode", pg.sslmode());
        props.setProperty("ApplicationName", "pgvault");
        props.setProperty("connectTimeout", "30");
        // The database name goes in the property, not the URL, so no character in it needs escaping.
        props.setProperty("PGDBNAME", database);
        String host = pg.host().contains(":") ? "[" + pg.host() + "]" : pg.host();
        // The driver itself, not DriverManager: DriverManager only hands out drivers the caller's class loader
        // registered, which fails after a class-loader change (e.g. a Quarkus test restart with another profile).
        Connection c = DRIVER.connect("jdbc:postgresql://" + host + ":" + pg.port() + "/", props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL", "08001");
        }
        // Inspection reads every table with a bytea column; behind another session's ACCESS EXCLUSIVE lock it
        // would wait forever. Give up after the same wait pg_dump is allowed (a SET, not a startup option, so it
        // also works through PgBouncer).
        try (Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = " + Math.max(1, config.backup().lockWaitTimeout().toMillis()));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private DatabaseUnavailableException unavailable(String database, SQLException e) {
        PgvaultConfig.Pg pg = config.pg();
        return new DatabaseUnavailableException(
                "Could not inspect PostgreSQL server " + pg.host() + ":" + pg.port() + ", database \"" + database + "\".",
                "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(),
                switch (String.valueOf(e.getSQLState())) {
                    case "28P01", "28000" -> "Check PGVAULT_PG_USER / PGVAULT_PG_PASSWORD (or the Entra role of the "
                            + "managed identity with PGVAULT_PG_AUTH=entra).";
                    case "3D000" -> "The database disappeared during inspection; run the backup again.";
                    case "55P03" -> "Another session holds a lock that blocks reading a table (e.g. a long ALTER TABLE "
                            + "or LOCK TABLE); run the backup when it has finished (pgvault waits "
                            + "PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT for a lock).";
                    case "08001", "08006", "08004" -> "Check PGVAULT_PG_HOST / PGVAULT_PG_PORT, the server's firewall "
                            + "rules or VNet integration, and that the server is running.";
                    default -> "Check the server's log and that the login role may CONNECT to every database.";
                }, e);
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static Placement placement(PgvaultConfig.Placement p) {
        return new Placement(p.tenantId().orElse(null), p.subscriptionId().orElse(null), p.region().orElse(null));
    }
}
