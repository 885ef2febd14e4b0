package io.pgvault.restore.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The SQL a restore runs on the target server's maintenance database ({@code postgres}) and, to tell an empty
 * database from one holding something, in an existing database. Names are always quoted identifiers or bound
 * parameters; a database name is never parsed.
 */
final class TargetDatabases {

    /** Databases never created, dropped or overwritten by a restore (they are the server's own). */
    static final Set<String> NEVER_DROPPED = Set.of("postgres", "template0", "template1", "azure_maintenance",
            "azure_sys");

    /** Schemas every database has, and the temporary ones. */
    private static final String SYSTEM_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND n.nspname !~ '^pg_(toast_)?temp_'";

    /**
     * Whether a database holds anything a restore would collide with: a relation, function, type or schema outside
     * the system (an empty {@code public} does not count), an extension other than plpgsql, or a large object.
     */
    private static final String NON_EMPTY = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE " + SYSTEM_SCHEMAS + ")"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE " + SYSTEM_SCHEMAS + ")"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE " + SYSTEM_SCHEMAS + ")"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE " + SYSTEM_SCHEMAS + " AND n.nspname <> 'public')"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql')"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata)";

    private TargetDatabases() {
    }

    static boolean exists(Connection c, String db) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether the database a session is connected to holds anything (see {@link #NON_EMPTY}). */
    static boolean nonEmpty(Connection inDatabase) throws SQLException {
        try (Statement st = inDatabase.createStatement(); ResultSet rs = st.executeQuery(NON_EMPTY)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Creates an empty database (from template0, as restore.sh does) and marks it with {@code marker} if given. */
    static void create(Connection c, String db, String marker) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + ident(db) + " TEMPLATE template0");
            if (marker != null) {
                st.execute("COMMENT ON DATABASE " + ident(db) + " IS " + literal(marker));
            }
        }
    }

    /** Drops a database, ending its sessions. */
    static void drop(Connection c, String db) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP DATABASE " + ident(db) + " WITH (FORCE)");
        }
    }

    /** Whether {@code db} carries exactly {@code marker} as its comment (pgvault created it for that restore). */
    static boolean marked(Connection c, String db, String marker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.shobj_description(oid, 'pg_database')"
                + " FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && marker.equals(rs.getString(1));
            }
        }
    }

    /**
     * Gives the database to its owner in the source, if that role exists here and the login may act as it (a
     * superuser always; an admin if it is a member, which the roles step made it); false if it could not.
     */
    static boolean setOwner(Connection c, String db, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = ? AND"
                + " pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')")) {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + ident(db) + " OWNER TO " + ident(owner));
        }
        return true;
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
