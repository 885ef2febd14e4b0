package io.pgvault.backup;

import io.pgvault.errors.Redactor;
import io.pgvault.postgres.ExportedSnapshot;
import io.pgvault.vault.Manifest;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-table statistics a backup records in its manifest ({@link Manifest.TableStat}) so a restore drill can
 * compare what it restored with what was dumped. Runs on the session that exported the dump's snapshot (a
 * REPEATABLE READ transaction): every {@code count(*)} sees exactly the rows {@code pg_dump --snapshot} writes,
 * however much the server changes meanwhile.
 *
 * <p>The tables are those pg_dump writes data for: ordinary tables and leaf partitions ({@code relkind 'r'}),
 * temporary tables, system schemas and tables that belong to an extension left out. A table up to
 * {@code pgvault.backup.exact-count-max-bytes} (pg_total_relation_size) is counted exactly ({@code FROM ONLY}: an
 * inheritance parent's own rows, as pg_dump's {@code COPY} writes them); a larger one gets the planner's estimate
 * ({@code pg_class.reltuples}; -1: never analyzed). Counting reads each counted table once more; docs/drills.md
 * measures what that costs a backup.
 */
public final class TableCensus {

    private static final Logger LOG = Logger.getLogger(TableCensus.class);

    /** Tables pg_dump dumps the data of, with their size and the planner's estimate; schema and name order. */
    static final String TABLES = """
            SELECT n.nspname, c.relname, pg_catalog.pg_total_relation_size(c.oid), c.reltuples::bigint
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND c.relpersistence <> 't'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                                  AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""";

    private TableCensus() {
    }

    /**
     * The census of a dump's snapshot, or null (not recorded, logged) if it failed: statistics are evidence for the
     * drills, never a reason to fail a backup. The snapshot stays usable either way.
     */
    public static List<Manifest.TableStat> of(ExportedSnapshot snapshot, long exactMaxBytes) {
        long start = System.nanoTime();
        try {
            List<Manifest.TableStat> tables = take(snapshot.connection(), exactMaxBytes);
            LOG.infof("Table census of database \"%s\": %d table(s), %d counted exactly, in %d ms", snapshot.database(),
                    tables.size(), tables.stream().filter(Manifest.TableStat::exact).count(),
                    (System.nanoTime() - start) / 1_000_000);
            return tables;
        } catch (SQLException e) {
            LOG.warnf("The table census of database \"%s\" failed (%s); its manifest entry records no table statistics",
                    snapshot.database(), Redactor.redact(String.valueOf(e.getMessage())));
            return null;
        }
    }

    /**
     * Every dumped table of the session's database with its rows (exact up to {@code exactMaxBytes}, else the
     * estimate) and bytes. A table that cannot be counted (e.g. dropped since the snapshot) gets its estimate; the
     * transaction stays usable for the dump (each count runs under a savepoint).
     */
    public static List<Manifest.TableStat> take(Connection c, long exactMaxBytes) throws SQLException {
        List<Manifest.TableStat> out = new ArrayList<>();
        // An error aborts the transaction and with it the exported snapshot the dump still needs: a savepoint first.
        Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next()) {
                out.add(new Manifest.TableStat(rs.getString(1), rs.getString(2), Math.max(-1, rs.getLong(4)), false,
                        rs.getLong(3)));
            }
        } catch (SQLException e) {
            if (sp != null) {
                c.rollback(sp);
            }
            throw e;
        }
        List<Manifest.TableStat> counted = new ArrayList<>(out.size());
        for (Manifest.TableStat t : out) {
            counted.add(t.bytes() <= exactMaxBytes && exactMaxBytes > 0 ? count(c, t) : t);
        }
        return counted;
    }

    /** The table with its exact row count, or as it was (the estimate) if counting failed. */
    private static Manifest.TableStat count(Connection c, Manifest.TableStat t) throws SQLException {
        Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + ident(t.schema()) + "." + ident(t.table()))) {
            rs.next();
            long rows = rs.getLong(1);
            if (sp != null) {
                c.releaseSavepoint(sp);
            }
            return new Manifest.TableStat(t.schema(), t.table(), rows, true, t.bytes());
        } catch (SQLException e) {
            if (sp == null) {
                throw e;
            }
            c.rollback(sp); // the snapshot's transaction goes on for pg_dump
            LOG.warnf("Could not count the rows of %s.%s (%s); the manifest records the planner's estimate",
                    t.schema(), t.table(), e.getSQLState());
            return t;
        }
    }

    /** A quoted identifier: any character but NUL is allowed in a quoted PostgreSQL name. */
    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
