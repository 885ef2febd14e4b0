package io.pgvault.matrix;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code dump-privileges} rule: one violation per {@link ReadGap} — per database and kind of object the login role
 * cannot read — naming the first few objects, their count, and the SQL that fixes it, with who may run it (on Azure
 * Database for PostgreSQL flexible server nobody is a superuser; the server admin is a member of
 * {@code azure_pg_admin}). Without it the backup would fail half-way, after other databases were dumped.
 */
final class DumpPrivileges {

    private DumpPrivileges() {
    }

    /** Adds one violation per gap, in the order the inspection found them. */
    static void check(ServerFacts server, List<Violation> found) {
        PrivilegeFacts p = server.privileges();
        for (ReadGap gap : p.gaps()) {
            found.add(violation(gap, p, server.serverMajor()));
        }
    }

    private static Violation violation(ReadGap gap, PrivilegeFacts p, int major) {
        String role = p.role() == null ? "<pgvault's role>" : SafeNames.sqlIdentifier(p.role());
        String who = p.role() == null ? "pgvault's role" : "role " + SafeNames.escaped(p.role());
        String db = SafeNames.escaped(gap.database());
        String listed = listed(gap);
        return switch (gap.kind()) {
            case CONNECT -> MatrixRule.DUMP_PRIVILEGES.violation(
                    who + " may not connect to database " + db + ", which the backup includes",
                    "has_database_privilege(" + db + ", 'CONNECT') is false for " + who + "; owner " + owners(gap),
                    "As the database's owner or a superuser (on Azure, the server admin): GRANT CONNECT ON DATABASE "
                            + SafeNames.sqlIdentifier(gap.database()) + " TO " + role + ";");
            case NO_SELECT -> MatrixRule.DUMP_PRIVILEGES.violation(
                    who + " cannot read " + gap.count() + " table(s) or sequence(s) of database " + db
                            + " that pg_dump dumps",
                    "database " + db + ": " + listed + "; no SELECT on them or no USAGE on their schema; owners: "
                            + owners(gap),
                    selectHint(role, major));
            case ROW_SECURITY -> MatrixRule.DUMP_PRIVILEGES.violation(
                    gap.count() + " table(s) of database " + db + " have row-level security that " + who
                            + " is subject to: pg_dump turns row security off and would fail on them",
                    "database " + db + ": " + listed + "; " + who + " has no BYPASSRLS, is not a superuser, and is"
                            + " not the tables' owner (owners: " + owners(gap) + ") or they FORCE row-level security",
                    rowSecurityHint(role, major));
            case LARGE_OBJECT -> MatrixRule.DUMP_PRIVILEGES.violation(
                    who + " cannot read " + gap.count() + " large object(s) of database " + db,
                    "database " + db + ": large object(s) " + listed + ", owned by " + owners(gap) + "; " + who
                            + " is not their owner, has no SELECT grant on them, and lo_compat_privileges is off"
                            + " (pg_read_all_data does not cover large objects)",
                    largeObjectHint(gap, role));
            case GLOBALS -> MatrixRule.DUMP_PRIVILEGES.violation(
                    who + " cannot read shared catalogs that pg_dumpall --globals-only --no-role-passwords reads",
                    "no SELECT on " + listed + " (checked in database " + db + ")",
                    "As a superuser (someone revoked PUBLIC's access; PostgreSQL and Azure grant it by default): "
                            + gap.objects().stream().map(c -> "GRANT SELECT ON " + c + " TO " + role + ";")
                                    .collect(Collectors.joining(" ")));
        };
    }

    /** The first objects and the count: {@code public.a, public.b (7 in all)}. */
    private static String listed(ReadGap gap) {
        String names = String.join(", ", gap.objects());
        return gap.count() > gap.objects().size() ? names + ", … (" + gap.count() + " in all)"
                : names + " (" + gap.count() + " in all)";
    }

    private static String owners(ReadGap gap) {
        return gap.owners().isEmpty() ? "unknown" : String.join(", ", gap.owners());
    }

    private static String selectHint(String role, int major) {
        if (major > 0 && major < 14) {
            return "pg_read_all_data exists from PostgreSQL 14 on. As each schema's owner, for every schema S: GRANT"
                    + " USAGE ON SCHEMA S TO " + role + "; GRANT SELECT ON ALL TABLES IN SCHEMA S TO " + role
                    + "; GRANT SELECT ON ALL SEQUENCES IN SCHEMA S TO " + role + ";";
        }
        return "GRANT pg_read_all_data TO " + role + "; — as a superuser, or on Azure the server admin. It gives SELECT"
                + " on every table and sequence and USAGE on every schema, now and later, and nothing else (it does not"
                + " bypass row-level security and does not cover large objects).";
    }

    /** Who may give BYPASSRLS, by major version: Microsoft's answer for Azure Database for PostgreSQL flexible server. */
    static String rowSecurityHint(String role, int major) {
        String azure = major >= 16
                ? "On Azure Database for PostgreSQL flexible server 16 and newer (this server runs " + major + ") the"
                        + " server admin (a member of azure_pg_admin) may run it."
                : "On Azure Database for PostgreSQL flexible server 15 and older" + (major > 0 ? " (this server runs "
                        + major + ")" : "") + " nobody can run it, not even the server admin: the admin can read past"
                        + " row-level security itself but cannot give BYPASSRLS to another role, so back up with the"
                        + " server admin login (PGVAULT_PG_USER) or upgrade the server to 16.";
        return "ALTER ROLE " + role + " BYPASSRLS; — as a superuser on a self-managed server. " + azure
                + " pgvault never applies a policy instead: its functions would run with the backup role's privileges.";
    }

    private static String largeObjectHint(ReadGap gap, String role) {
        String owner = "As their owner (" + owners(gap) + ") or a superuser, connected to database "
                + SafeNames.escaped(gap.database()) + ": ";
        String grants = gap.count() <= gap.objects().size()
                ? gap.objects().stream().map(o -> "GRANT SELECT ON LARGE OBJECT " + o + " TO " + role + ";")
                        .collect(Collectors.joining(" "))
                : "DO $$DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_catalog.pg_largeobject_metadata WHERE"
                        + " pg_catalog.pg_has_role(lomowner, 'USAGE') LOOP EXECUTE pg_catalog.format('GRANT SELECT ON"
                        + " LARGE OBJECT %s TO %s', o, " + literal(role) + "); END LOOP; END$$;";
        return owner + grants + " Or turn on the server parameter lo_compat_privileges (every role may then read and"
                + " write every large object): on Azure, az postgres flexible-server parameter set --name"
                + " lo_compat_privileges --value on; self-managed, ALTER SYSTEM SET lo_compat_privileges = on; SELECT"
                + " pg_reload_conf();";
    }

    /** An SQL string literal holding {@code text}. */
    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
