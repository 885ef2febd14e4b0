package io.pgvault.postgres;


import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import java.sql.SQLException;

/**
 * The errors of a table pgvault's role may not read. Above all, a table with row-level security: pgvault's sessions
 * run with {@code row_security = off}, because a policy's expression can call any function of the table's owner and
 * would run it with pgvault's privileges; PostgreSQL then refuses the query unless the role has BYPASSRLS. pg_dump
 * does the same (it turns row security off too), so the backup could not dump the table either.
 */
final class TablePrivileges {

    private TablePrivileges() {
    }

    /** The error for SQLSTATE 42501 on a read of {@code col}'s table. */
    static PgvaultException cannotRead(String role, String database, ServerInspector.Column col, SQLException e) {
        String table = database + "." + col.schema() + "." + col.table();
        String evidence = "table " + table + " (bytea column " + col.column() + "), read by role " + role
                + ": SQLSTATE " + e.getSQLState() + ": " + e.getMessage();
        String alter = "ALTER ROLE " + ServerInspector.ident(role);
        if (col.rowSecurity()) {
            return new PgvaultException(ErrorKind.CONFIGURATION, "pgvault's role may not read table " + table
                    + " without applying its row-level security policies, and pgvault never applies them.",
                    evidence + "; the table has row-level security enabled and the role has no BYPASSRLS",
                    "Give pgvault's role BYPASSRLS: " + alter + " BYPASSRLS; — as a superuser; on Azure Database for"
                            + " PostgreSQL flexible server 16 and newer the server admin (azure_pg_admin) can grant it to"
                            + " a role it created; on 15 and older it cannot, so run pgvault as the server admin."
                            + " A policy's functions would run with pgvault's privileges, so pgvault turns row"
                            + " security off; pg_dump does the same and could not dump the table either. Or have the"
                            + " table's owner disable it: ALTER TABLE ... DISABLE ROW LEVEL SECURITY.", e);
        }
        return new PgvaultException(ErrorKind.CONFIGURATION, "pgvault's role may not read table " + table + ".", evidence,
                "Let the role read every table: GRANT pg_read_all_data TO " + ServerInspector.ident(role)
                        + "; (PostgreSQL 14 and newer; on Azure the server admin can run it), or back up as the"
                        + " server admin.", e);
    }
}
