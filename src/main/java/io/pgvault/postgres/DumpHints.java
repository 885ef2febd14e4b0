package io.pgvault.postgres;

import io.pgvault.matrix.SafeNames;

/**
 * HINTs for the privilege failures of a dump that the preflight's {@code dump-privileges} rule did not prevent (a
 * grant revoked between the preflight and the dump, a table created meanwhile): the same SQL fixes as the rule's.
 */
final class DumpHints {

    private DumpHints() {
    }

    /** pg_dump turns row security off, so a policy never runs with the dump's privileges; the read fails instead. */
    static String rowSecurity(String role) {
        return "Give the backup role BYPASSRLS: ALTER ROLE " + ident(role) + " BYPASSRLS; — as a superuser on a"
                + " self-managed server; on Azure Database for PostgreSQL flexible server 16 and newer the server admin"
                + " (azure_pg_admin) may run it; on 15 and older nobody can give it to another role, so back up with the"
                + " server admin login. Then run the backup again (its preflight checks every table; see docs/"
                + "backup-role.md).";
    }

    /** pg_read_all_data does not cover large objects: the owner grants SELECT, or lo_compat_privileges is turned on. */
    static String largeObject(String oid, String role) {
        return "Let the backup role read the large object: GRANT SELECT ON LARGE OBJECT " + oid + " TO " + ident(role)
                + "; — as its owner or a superuser, connected to that database (pg_read_all_data does not cover large"
                + " objects). Or turn on the server parameter lo_compat_privileges (on Azure: az postgres"
                + " flexible-server parameter set --name lo_compat_privileges --value on). Then run the backup again;"
                + " its preflight lists every large object the role cannot read.";
    }

    /** Any other object: tables, sequences, schemas. */
    static String permissionDenied(String role) {
        return "Let the backup role read every table and sequence: GRANT pg_read_all_data TO " + ident(role)
                + "; — as a superuser, or on Azure the server admin (PostgreSQL 14 and newer). Then run the backup"
                + " again; its preflight lists what the role cannot read.";
    }

    private static String ident(String role) {
        return role == null || role.isEmpty() ? "<backup role>" : SafeNames.sqlIdentifier(role);
    }
}
