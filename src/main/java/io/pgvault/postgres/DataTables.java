package io.pgvault.postgres;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.errors.Redactor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables whose rows a split dump may hand to a stream of their own, read in a database's exported snapshot:
 * plain tables and leaf partitions (a partitioned table holds no rows itself; its partitions do), inheritance
 * parents and children each as itself (COPY reads one table's own rows), largest first. Left out, so their data
 * stays in the stream without {@code -t} where pg_dump's own rules apply: temporary tables, system schemas, and
 * members of extensions (pg_dump dumps an extension's configuration tables only with the extension).
 *
 * <p>Sizes come from {@code pg_table_size} (the rows with their TOAST, not the indexes: what COPY reads and a data
 * part writes), which takes an ACCESS SHARE lock on each table until the
 * snapshot's transaction ends — the lock pg_dump takes on every table anyway, here from the snapshot's moment on,
 * so no table is dropped or rewritten between the snapshot and the parts' own locks (pg_dump's parallel leader
 * does the same). Partitioned tables are locked too (their size is 0): a part that dumps one partition with
 * {@code --table} does not lock the parent itself, yet reads its catalog entries, and would wait without end
 * behind a session holding the parent. A table another session holds fails here after {@code lock_timeout} (set
 * by PgConnections, the backup's lock wait), before any part starts.
 */
public final class DataTables {

    /** One table with rows: schema, name, bytes of its rows on disk (with TOAST, without indexes). */
    public record Table(String schema, String name, long bytes) {
    }

    private static final String TABLES = """
            SELECT n.nspname, c.relname, pg_catalog.pg_table_size(c.oid), c.relkind = 'r'
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
              AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                              WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 3 DESC, 1, 2""";

    private DataTables() {
    }

    /** The database's tables with rows, largest first, as the snapshot sees them. */
    public static List<Table> of(ExportedSnapshot snapshot) {
        List<Table> tables = new ArrayList<>();
        try (Statement st = snapshot.connection().createStatement(); ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next()) {
                if (rs.getBoolean(4)) { // a partitioned table holds no rows: locked above, not listed
                    tables.add(new Table(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
            return tables;
        } catch (SQLException e) {
            throw new PgvaultException(ErrorKind.DUMP_FAILED,
                    "Could not list the tables of database \"" + snapshot.database() + "\" to split its dump.",
                    Redactor.redact(String.valueOf(e.getMessage())),
                    "55P03".equals(e.getSQLState())
                            ? "Another session holds a conflicting lock (ALTER TABLE, VACUUM FULL, ...): let it finish, "
                                    + "or raise PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT, then run the backup again."
                            : "Check the server's availability and pgvault's role, then run the backup again.", e);
        }
    }
}
