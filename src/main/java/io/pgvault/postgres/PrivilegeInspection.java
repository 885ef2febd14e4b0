package io.pgvault.postgres;

import io.pgvault.matrix.ReadGap;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The catalog queries behind the {@code dump-privileges} rule: what pg_dump and pg_dumpall will read that pgvault's
 * login role cannot. They read catalogs only (never a table's rows, so no policy can run) and, like every query
 * of {@link ServerInspector}, name everything schema-qualified in a {@link PgConnections} session.
 */
final class PrivilegeInspection {

    /** The login role's attributes and the server's {@code lo_compat_privileges}. */
    static final String ROLE = "SELECT r.rolname, r.rolsuper, r.rolbypassrls, "
            + "pg_catalog.current_setting('lo_compat_privileges')::pg_catalog.bool "
            + "FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER";

    /** Schemas pg_dump never dumps from. */
    private static final String DUMPED_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    /** Relations an extension owns: pg_dump dumps the extension, not their rows. */
    private static final String NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE "
            + "d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e')";

    /** The role may read the relation: LOCK TABLE and COPY need SELECT on it and USAGE on its schema. */
    static final String READABLE = "(pg_catalog.has_schema_privilege(n.oid, 'USAGE') "
            + "AND pg_catalog.has_table_privilege(c.oid, 'SELECT'))";

    /**
     * A read of the table with {@code row_security = off} fails for the role: RLS enabled, the role neither
     * superuser nor BYPASSRLS, and not the owner (ownership through membership counts) or the owner under FORCE.
     */
    static final String RLS_BLOCKED = "(c.relrowsecurity AND NOT (SELECT r.rolsuper OR r.rolbypassrls "
            + "FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) "
            + "AND (c.relforcerowsecurity OR NOT pg_catalog.pg_has_role(c.relowner, 'USAGE')))";

    /**
     * Tables and sequences whose data pg_dump reads (partitioned tables: it locks them). Materialized views are not
     * read: pg_dump writes their definition and a REFRESH, and succeeds without SELECT on them.
     */
    private static final String NO_SELECT = "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), "
            + "pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text "
            + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p', 'S') AND " + DUMPED_SCHEMA + " AND " + NOT_EXTENSION_MEMBER
            + " AND NOT " + READABLE;

    /** Tables whose rows pg_dump copies and a policy stands between them and the role. */
    private static final String ROW_SECURITY = "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), "
            + "pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text "
            + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind = 'r' AND " + DUMPED_SCHEMA + " AND " + NOT_EXTENSION_MEMBER + " AND " + RLS_BLOCKED;

    /**
     * Large objects the role may not SELECT: the owner's default privileges when there is no ACL (ownership through
     * membership counts), else a SELECT grant to PUBLIC or to a role whose privileges it has.
     */
    private static final String LARGE_OBJECTS = "SELECT m.oid::pg_catalog.int8::pg_catalog.text, "
            + "pg_catalog.pg_get_userbyid(m.lomowner)::pg_catalog.text "
            + "FROM pg_catalog.pg_largeobject_metadata m WHERE NOT CASE WHEN m.lomacl IS NULL "
            + "THEN pg_catalog.pg_has_role(m.lomowner, 'USAGE') "
            + "ELSE EXISTS (SELECT FROM pg_catalog.aclexplode(m.lomacl) a WHERE a.privilege_type = 'SELECT' "
            + "AND (a.grantee = 0 OR pg_catalog.pg_has_role(a.grantee, 'USAGE'))) END";

    /** Shared catalogs pg_dumpall --globals-only --no-role-passwords reads (pg_parameter_acl from 15 on). */
    private static final String GLOBALS = "SELECT c, NULL::pg_catalog.text FROM pg_catalog.unnest(ARRAY["
            + "'pg_catalog.pg_roles', 'pg_catalog.pg_auth_members', 'pg_catalog.pg_db_role_setting', "
            + "'pg_catalog.pg_database', 'pg_catalog.pg_tablespace', 'pg_catalog.pg_shdescription', "
            + "'pg_catalog.pg_shseclabel', 'pg_catalog.pg_parameter_acl']::pg_catalog.text[]) c "
            + "WHERE pg_catalog.to_regclass(c) IS NOT NULL AND NOT pg_catalog.has_table_privilege(c, 'SELECT')";

    private PrivilegeInspection() {
    }

    /** The login role's attributes. */
    record Role(String name, boolean superuser, boolean bypassRls, boolean loCompat) {
    }

    static Role role(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(ROLE)) {
            rs.next();
            return new Role(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4));
        }
    }

    /** The gap of the roles dump, checked in pgvault's own database. */
    static List<ReadGap> globals(Statement st, String database) throws SQLException {
        return gap(st, ReadGap.Kind.GLOBALS, database, GLOBALS, "name");
    }

    /** The gaps of one database, in a session of that database. */
    static List<ReadGap> database(Connection c, String database, Role role) throws SQLException {
        List<ReadGap> out = new ArrayList<>();
        if (role.superuser()) {
            return out; // a superuser reads every row and large object
        }
        try (Statement st = c.createStatement()) {
            out.addAll(gap(st, ReadGap.Kind.NO_SELECT, database, NO_SELECT, "name"));
            out.addAll(gap(st, ReadGap.Kind.ROW_SECURITY, database, ROW_SECURITY, "name"));
            if (!role.loCompat()) {
                out.addAll(gap(st, ReadGap.Kind.LARGE_OBJECT, database, LARGE_OBJECTS, "name::pg_catalog.int8"));
            }
        }
        return out;
    }

    /**
     * One gap from a query of (name, owner) rows: the first {@link ReadGap#LISTED} names, the count and the distinct
     * owners, computed by the server (a database may hold millions of large objects).
     */
    private static List<ReadGap> gap(Statement st, ReadGap.Kind kind, String database, String rows, String sortKey)
            throws SQLException {
        String sql = "WITH g(name, owner) AS (" + rows + ") SELECT "
                + "(SELECT pg_catalog.array_agg(name ORDER BY " + sortKey + ") FROM (SELECT name FROM g ORDER BY " + sortKey
                + " LIMIT " + ReadGap.LISTED + ") f), (SELECT pg_catalog.count(*) FROM g), "
                + "(SELECT pg_catalog.array_agg(DISTINCT owner) FROM g WHERE owner IS NOT NULL)";
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long count = rs.getLong(2);
            if (count == 0) {
                return List.of();
            }
            return List.of(new ReadGap(kind, database, strings(rs.getArray(1)), count, strings(rs.getArray(3))));
        }
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }
}
