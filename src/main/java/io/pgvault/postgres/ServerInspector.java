package io.pgvault.postgres;

import io.pgvault.jobs.JobContext;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.matrix.ByteaFacts;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.matrix.GlobalName;
import io.pgvault.matrix.Placement;
import io.pgvault.matrix.PrivilegeFacts;
import io.pgvault.matrix.ReadGap;
import io.pgvault.matrix.SafeNames;
import io.pgvault.matrix.ServerFacts;
import io.pgvault.matrix.SupportMatrix;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gathers the facts the support matrix judges, over JDBC: server version, recovery state, every database
 * with its owner and size, the names of roles and tablespaces that a backup must refuse, the largest value of
 * every bytea column of the databases that would be backed up, and what of them the login role cannot read
 * ({@link PrivilegeInspection}). Read-only; one short connection per database,
 * each opened by {@link PgConnections}, so no function of a database's owner runs in it.
 */
@ApplicationScoped
public class ServerInspector {

    // Every name below is schema-qualified although each session runs with search_path = pg_catalog, pg_temp
    // (PgConnections): neither alone may be what keeps a database owner's functions out of pgvault's queries.
    // Operators are left unqualified: with that search_path only pg_catalog's are visible.
    private static final String SERVER = "SELECT pg_catalog.current_setting('server_version'), "
            + "pg_catalog.current_setting('server_version_num')::pg_catalog.int4, pg_catalog.pg_is_in_recovery()";

    private static final String DATABASES = """
            SELECT d.datname, r.rolname, d.datallowconn,
                   CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
                        THEN pg_catalog.pg_database_size(d.oid) ELSE 0 END
            FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles r ON r.oid = d.datdba
            ORDER BY d.datname""";

    /** Roles and tablespaces: the objects of the roles dump, judged by name (safe-names). */
    private static final String GLOBAL_NAMES = """
            SELECT 'ROLE', rolname FROM pg_catalog.pg_roles
            UNION ALL SELECT 'TABLESPACE', spcname FROM pg_catalog.pg_tablespace""";

    /**
     * Columns of type bytea or of a domain over bytea (domains over domains included), in plain tables
     * and populated materialized views; partitions are scanned as themselves, so each row is counted once.
     * Only tables the role can read without a policy: the others are {@code dump-privileges} violations, and
     * reading a table with row-level security would fail (row_security is off) or run its policy's functions.
     */
    private static final String BYTEA_COLUMNS = """
            WITH RECURSIVE bytea_types(oid) AS (
                SELECT 'pg_catalog.bytea'::pg_catalog.regtype::pg_catalog.oid
                UNION SELECT t.oid FROM pg_catalog.pg_type t JOIN bytea_types b ON t.typbasetype = b.oid
                      WHERE t.typtype = 'd')
            SELECT n.nspname, c.relname, a.attname, c.relrowsecurity
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE a.atttypid IN (SELECT oid FROM bytea_types)
              AND a.attnum > 0 AND NOT a.attisdropped
              AND (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated))
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
              AND """ + PrivilegeInspection.READABLE + " AND NOT " + PrivilegeInspection.RLS_BLOCKED + """
            ORDER BY 1, 2, 3""";

    /** Databases the role may not connect to (their sizes read as 0 above). */
    private static final String NO_CONNECT = "SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba) "
            + "FROM pg_catalog.pg_database d WHERE NOT pg_catalog.has_database_privilege(d.oid, 'CONNECT')";

    private final PgvaultConfig config;
    private final PgConnections connections;

    public ServerInspector(PgvaultConfig config, PgConnections connections) {
        this.config = config;
        this.connections = connections;
    }

    /** Inspects the configured server: everything the matrix needs to judge a backup. */
    public ServerFacts inspect() {
        ServerWide server = serverWide();                                                  // 1. one session
        List<ReadGap> gaps = new ArrayList<>(server.globalGaps());
        List<DatabaseFacts> readable = connectable(server, gaps);                          // 2. CONNECT
        List<ByteaFacts> bytea = new ArrayList<>();
        for (DatabaseInspection each : inspectDatabases(readable, server.role())) {       // 3. each database
            bytea.addAll(each.bytea());
            gaps.addAll(each.gaps());
        }
        PrivilegeInspection.Role role = server.role();
        PrivilegeFacts privileges = new PrivilegeFacts(role.name(), role.superuser(), role.bypassRls(), role.loCompat(),
                gaps);
        return new ServerFacts(config.serverName(), server.version(), server.versionNum() / 10000, server.inRecovery(),
                server.databases(), bytea, config.server().matrixPlacement(), server.unsafeNames(), privileges);
    }

    /**
     * The server's {@code pg_control_system().system_identifier} (decimal): the same for every name or address the
     * cluster is reached under. Null if this login may not read it (a server that revoked the function).
     */
    public String systemIdentifier() {
        try (Connection c = connections.open(config.pg().database())) {
            return systemIdentifier(c);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                return null; // insufficient privilege: the manifest records none, a restore then asks the source
            }
            throw unavailable(config.pg().database(), e);
        }
    }

    /** The {@code system_identifier} of the server {@code c} is connected to (the restore target's too). */
    public static String systemIdentifier(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT system_identifier::pg_catalog.text FROM pg_catalog.pg_control_system()")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * What the session on the maintenance database finds about the whole server.
     *
     * @param noConnect database → why the role may not connect to it
     */
    private record ServerWide(String version, int versionNum, boolean inRecovery, List<DatabaseFacts> databases,
            List<GlobalName> unsafeNames, PrivilegeInspection.Role role, List<ReadGap> globalGaps,
            Map<String, String> noConnect) {
    }

    private ServerWide serverWide() {
        try (Connection c = connections.open(config.pg().database()); Statement st = c.createStatement()) {
            String version;
            int versionNum;
            boolean inRecovery;
            try (ResultSet rs = st.executeQuery(SERVER)) {
                rs.next();
                version = rs.getString(1).split(" ")[0];
                versionNum = rs.getInt(2);
                inRecovery = rs.getBoolean(3);
            }
            List<DatabaseFacts> databases = databases(st);
            List<GlobalName> unsafeNames = unsafeGlobalNames(st);
            PrivilegeInspection.Role role = PrivilegeInspection.role(st);
            List<ReadGap> globalGaps = PrivilegeInspection.globals(st, config.pg().database());
            return new ServerWide(version, versionNum, inRecovery, databases, unsafeNames, role, globalGaps,
                    noConnect(st));
        } catch (SQLException e) {
            throw unavailable(config.pg().database(), e);
        }
    }

    private static List<DatabaseFacts> databases(Statement st) throws SQLException {
        List<DatabaseFacts> databases = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(DATABASES)) {
            while (rs.next()) {
                databases.add(new DatabaseFacts(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)));
            }
        }
        return databases;
    }

    private static List<GlobalName> unsafeGlobalNames(Statement st) throws SQLException {
        List<GlobalName> unsafeNames = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(GLOBAL_NAMES)) {
            while (rs.next()) {
                if (SafeNames.unsafe(rs.getString(2))) {
                    unsafeNames.add(new GlobalName(GlobalName.Kind.valueOf(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return unsafeNames;
    }

    private static Map<String, String> noConnect(Statement st) throws SQLException {
        Map<String, String> noConnect = new HashMap<>();
        try (ResultSet rs = st.executeQuery(NO_CONNECT)) {
            while (rs.next()) {
                noConnect.put(rs.getString(1), rs.getString(2));
            }
        }
        return noConnect;
    }

    /** The databases a backup includes that the role may connect to; the others become read gaps. */
    private static List<DatabaseFacts> connectable(ServerWide server, List<ReadGap> gaps) {
        List<DatabaseFacts> readable = new ArrayList<>();
        for (DatabaseFacts db : SupportMatrix.selectDatabases(server.databases()).included()) {
            String why = server.noConnect().get(db.name());
            if (why != null) {
                gaps.add(new ReadGap(ReadGap.Kind.CONNECT, db.name(), List.of(db.name()), 1, List.of(why)));
            } else {
                readable.add(db);
            }
        }
        return readable;
    }

    /** What one database's session found: its bytea columns' largest values and what the role cannot read. */
    record DatabaseInspection(List<ByteaFacts> bytea, List<ReadGap> gaps) {
    }

    /**
     * Inspects several databases, a few at once: each costs a connection and a heap scan per bytea table, and on
     * a server with many databases their sum would dominate the preflight. Results in the order given.
     */
    private List<DatabaseInspection> inspectDatabases(List<DatabaseFacts> included, PrivilegeInspection.Role role) {
        if (included.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(INSPECTION_CONCURRENCY, included.size()));
        try {
            List<Future<DatabaseInspection>> each = new ArrayList<>();
            for (DatabaseFacts db : included) {
                each.add(pool.submit(JobContext.wrap(() -> inspectDatabase(db.name(), role))));
            }
            List<DatabaseInspection> out = new ArrayList<>();
            for (var f : each) {
                try {
                    out.add(f.get());
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
     * The column is cast to bytea itself, so the call is pg_catalog's {@code octet_length(bytea)} whatever its
     * domain: an {@code octet_length(my_domain)} of the database's owner is never called. {@code ONLY}: an
     * inheritance child is scanned as itself.
     */
    DatabaseInspection inspectDatabase(String database, PrivilegeInspection.Role role) {
        List<ByteaFacts> out = new ArrayList<>();
        try (Connection c = connections.open(database); Statement st = c.createStatement()) {
            List<ReadGap> gaps = PrivilegeInspection.database(c, database, role);
            List<Column> columns = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(BYTEA_COLUMNS)) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
            for (Column col : columns) {
                String sql = "SELECT coalesce(pg_catalog.max(pg_catalog.octet_length(" + ident(col.column())
                        + "::pg_catalog.bytea)), 0) FROM ONLY " + ident(col.schema()) + "." + ident(col.table());
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    out.add(new ByteaFacts(database, col.schema(), col.table(), col.column(), rs.getLong(1)));
                } catch (SQLException e) {
                    if ("42501".equals(e.getSQLState())) {
                        throw TablePrivileges.cannotRead(config.pg().user(), database, col, e);
                    }
                    throw e;
                }
            }
            return new DatabaseInspection(out, gaps);
        } catch (SQLException e) {
            throw unavailable(database, e);
        }
    }

    /** A bytea column of a table; {@code rowSecurity}: the table has row-level security enabled. */
    record Column(String schema, String table, String column, boolean rowSecurity) {
    }

    private PgvaultException unavailable(String database, SQLException e) {
        PgvaultConfig.Pg pg = config.pg();
        return new PgvaultException(ErrorKind.DATABASE_UNAVAILABLE, 
                "Could not inspect PostgreSQL server " + pg.host() + ":" + pg.port().orElse("") + ", database \"" + database + "\".",
                "SQLSTATE " + e.getSQLState() + ": " + e.getMessage(),
                switch (String.valueOf(e.getSQLState())) {
                    case "28P01", "28000" -> "Check PGVAULT_PG_USER / PGVAULT_PG_PASSWORD (or the Entra role of the "
                            + "managed identity with PGVAULT_PG_AUTH=entra; for a registered server: the user, auth and "
                            + "passwordRef of its entry).";
                    case "3D000" -> "The database disappeared during inspection; run the backup again.";
                    case "55P03" -> "Another session holds a lock that blocks reading a table (e.g. a long ALTER TABLE "
                            + "or LOCK TABLE); run the backup when it has finished (pgvault waits "
                            + "PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT for a lock).";
                    case "08001", "08006", "08004" -> "Check PGVAULT_PG_HOST / PGVAULT_PG_PORT (for a registered "
                            + "server: the host and port of its entry), the server's firewall "
                            + "rules or VNet integration, and that the server is running.";
                    default -> "Check the server's log and that the login role may CONNECT to every database.";
                }, e);
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
