package io.pgvault.drill;

import io.pgvault.drill.DrillReport.Check;
import io.pgvault.drill.DrillReport.Outcome;
import io.pgvault.vault.Manifest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks of one restored database on the drill server: each table the backup recorded is there, with exactly
 * the rows the backup counted in its dump's snapshot (an estimated count is reported, never failed: the planner's
 * {@code reltuples} is not a count); each sequence of the dump exists; as many large objects as the dump holds.
 */
final class RestoredChecks {

    private static final String TABLES = """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')""";
    private static final String SEQUENCES = """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S'""";

    private RestoredChecks() {
    }

    /** The tables a database's files recorded (a split database's parts may each list some), each once. */
    static List<Manifest.TableStat> recorded(Manifest.DatabaseDump db) {
        Map<String, Manifest.TableStat> out = new LinkedHashMap<>();
        db.files().stream().filter(f -> f.tables() != null).flatMap(f -> f.tables().stream())
                .forEach(t -> out.putIfAbsent(t.schema() + "\0" + t.table(), t));
        return List.copyOf(out.values());
    }

    /** Whether any file of the database recorded table statistics (backups before the census did not). */
    static boolean hasStatistics(Manifest.DatabaseDump db) {
        return db.files().stream().anyMatch(f -> f.tables() != null);
    }

    /** Every check of one restored database, in a session in it. */
    static List<Check> run(Connection c, String database, List<Manifest.TableStat> tables, DumpContents.Contents dump)
            throws SQLException {
        List<Check> out = new ArrayList<>();
        Set<String> present = names(c, TABLES, "\0");
        for (Manifest.TableStat t : tables) {
            String name = label(database, t.schema(), t.table());
            if (!present.contains(t.schema() + "\0" + t.table())) {
                out.add(Check.of("table " + name, false, "missing on the drill server"));
                continue;
            }
            out.add(rows(c, name, t));
        }
        out.add(sequences(database, names(c, SEQUENCES, " "), dump.sequences()));
        long objects = count(c, "SELECT count(*) FROM pg_catalog.pg_largeobject_metadata");
        out.add(Check.of("large objects of " + quoted(database), objects == dump.largeObjects(),
                objects + " restored, the dump holds " + dump.largeObjects()));
        return out;
    }

    /** Rows: equal to an exact count, or reported next to an estimate. */
    private static Check rows(Connection c, String name, Manifest.TableStat t) throws SQLException {
        long actual = count(c, "SELECT count(*) FROM ONLY " + ident(t.schema()) + "." + ident(t.table()));
        if (!t.exact()) {
            return new Check("rows of " + name, Outcome.INFO, actual + " restored; the backup recorded the planner's "
                    + "estimate " + t.rows() + " (table above PGVAULT_BACKUP_EXACT_COUNT_MAX_BYTES), so not compared");
        }
        return Check.of("rows of " + name, actual == t.rows(), actual + " restored, the backup counted " + t.rows());
    }

    /** Each sequence of the dump (TOC text "schema name owner") among the restored ones. */
    private static Check sequences(String database, Set<String> restored, List<String> inDump) {
        List<String> missing = inDump.stream()
                .filter(entry -> restored.stream().noneMatch(s -> entry.startsWith(s + " ")))
                .toList();
        return Check.of("sequences of " + quoted(database), missing.isEmpty(), missing.isEmpty()
                ? inDump.size() + " of " + inDump.size() + " present"
                : "missing: " + String.join(", ", missing.stream().limit(10).toList()));
    }

    /** Schema and name of each row, joined by {@code sep}. */
    private static Set<String> names(Connection c, String sql, String sep) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + sep + rs.getString(2));
            }
        }
        return out;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String label(String database, String schema, String table) {
        return quoted(database) + "." + schema + "." + table;
    }

    static String quoted(String database) {
        return "\"" + database + "\"";
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
