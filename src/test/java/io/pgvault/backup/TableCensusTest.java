package io.pgvault.backup;

import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table census on a real PostgreSQL 15, on a session that exported its snapshot exactly as the backup's
 * (REPEATABLE READ, pg_export_snapshot): which tables it lists (those pg_dump dumps data of), exact counts that do
 * not move while other sessions write, equal to the rows {@code pg_dump --snapshot} of the same snapshot writes,
 * and estimates above the size limit.
 */
class TableCensusTest {

    static final String DB = "census_db";
    static final String ODD_TABLE = "ünï \"q\" -h";

    @BeforeAll
    static void fixtures() {
        TestServices.recreateDatabase(DB);
        TestServices.sql(DB,
                "CREATE SCHEMA \"Shop\"",
                "CREATE TABLE \"Shop\".orders (id serial PRIMARY KEY, note text)",
                "INSERT INTO \"Shop\".orders (note) SELECT 'n' || g FROM generate_series(1, 500) g",
                "CREATE TABLE public." + TestServices.ident(ODD_TABLE) + " (x int)",
                "INSERT INTO public." + TestServices.ident(ODD_TABLE) + " VALUES (1), (2)",
                // a partitioned table: only its leaf partitions hold (and dump) rows
                "CREATE TABLE events (at date, v int) PARTITION BY RANGE (at)",
                "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO events SELECT '2025-06-01', g FROM generate_series(1, 30) g",
                "INSERT INTO events SELECT '2026-06-01', g FROM generate_series(1, 7) g",
                // inheritance: pg_dump's COPY of the parent writes only its own rows
                "CREATE TABLE parent (v int)", "CREATE TABLE child () INHERITS (parent)",
                "INSERT INTO parent VALUES (1)", "INSERT INTO child VALUES (1), (2), (3)",
                "CREATE UNLOGGED TABLE scratch (v int)", "INSERT INTO scratch VALUES (1)",
                "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one",
                "ANALYZE");
    }

    @AfterAll
    static void drop() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    /** A session inside an exported snapshot, as ExportedSnapshot opens it; returns the snapshot id. */
    static String exportSnapshot(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    static Map<String, Manifest.TableStat> byName(List<Manifest.TableStat> stats) {
        return stats.stream().collect(Collectors.toMap(t -> t.schema() + "." + t.table(), t -> t));
    }

    @Test
    void listsTheTablesPgDumpDumpsWithExactCountsThatIgnoreConcurrentWritesAndMatchTheDump() throws Exception {
        try (Connection c = TestServices.connect(TestServices.pgPort(), DB)) {
            String snapshot = exportSnapshot(c);
            // another session writes after the snapshot: the census and the dump must not see it
            TestServices.sql(DB, "INSERT INTO \"Shop\".orders (note) SELECT 'late' FROM generate_series(1, 250)",
                    "DELETE FROM events_2026", "CREATE TABLE late_table (v int)");
            Map<String, Manifest.TableStat> stats = byName(TableCensus.take(c, Long.MAX_VALUE));
            assertEquals(List.of("Shop.orders", "public.child", "public.events_2025", "public.events_2026", "public.parent",
                    "public.scratch", "public." + ODD_TABLE), stats.keySet().stream().sorted().toList(),
                    "ordinary tables and leaf partitions, not the partitioned parent, the view or a table created later");
            assertEquals(500, stats.get("Shop.orders").rows());
            assertEquals(7, stats.get("public.events_2026").rows(), "deleted after the snapshot: still counted");
            assertEquals(1, stats.get("public.parent").rows(), "only the parent's own rows, as COPY writes them");
            assertEquals(2, stats.get("public." + ODD_TABLE).rows());
            assertTrue(stats.values().stream().allMatch(Manifest.TableStat::exact), stats.toString());
            assertTrue(stats.get("Shop.orders").bytes() > 8192, "pg_total_relation_size: " + stats.get("Shop.orders"));
            // the dump of the same snapshot writes exactly the counted rows
            TestServices.Run dump = TestServices.run(TestServices.pgPort(), null, Map.of("PGDATABASE", DB),
                    TestServices.pgBin().resolve("pg_dump").toString(), "--data-only", "--snapshot=" + snapshot,
                    "--table=\"Shop\".orders", "--table=events_2026");
            assertEquals(0, dump.exit(), dump.stderr());
            assertEquals(500, copiedRows(dump.stdout(), "COPY \"Shop\".orders"));
            assertEquals(7, copiedRows(dump.stdout(), "COPY public.events_2026"));
            c.rollback();
        }
    }

    @Test
    void tablesAboveTheLimitGetThePlannersEstimateAndZeroMeansEstimatesOnly() throws Exception {
        try (Connection c = TestServices.connect(TestServices.pgPort(), DB)) {
            exportSnapshot(c);
            long ordersBytes = byName(TableCensus.take(c, Long.MAX_VALUE)).get("Shop.orders").bytes();
            Map<String, Manifest.TableStat> limited = byName(TableCensus.take(c, ordersBytes - 1));
            Manifest.TableStat orders = limited.get("Shop.orders");
            assertFalse(orders.exact(), orders.toString());
            assertTrue(orders.rows() >= 450 && orders.rows() <= 800, "reltuples after ANALYZE: " + orders);
            assertTrue(limited.get("public.parent").exact(), "a small table is still counted: " + limited);
            assertTrue(TableCensus.take(c, 0).stream().noneMatch(Manifest.TableStat::exact), "0: estimates only");
            c.rollback();
        }
    }

    @Test
    void aTableThatCannotBeCountedGetsItsEstimateAndTheSnapshotSurvives() throws Exception {
        TestServices.sql(DB, "CREATE TABLE doomed (v int)", "INSERT INTO doomed VALUES (1)", "ANALYZE doomed");
        try (Connection c = TestServices.connect(TestServices.pgPort(), DB)) {
            String snapshot = exportSnapshot(c);
            TestServices.sql(DB, "DROP TABLE doomed"); // gone from the catalog; the snapshot still lists it
            Manifest.TableStat doomed = byName(TableCensus.take(c, Long.MAX_VALUE)).get("public.doomed");
            assertFalse(doomed.exact(), "counting a dropped table fails: the estimate is kept " + doomed);
            TestServices.Run dump = TestServices.run(TestServices.pgPort(), null, Map.of("PGDATABASE", DB),
                    TestServices.pgBin().resolve("pg_dump").toString(), "--schema-only", "--snapshot=" + snapshot,
                    "--table=\"Shop\".orders");
            assertEquals(0, dump.exit(), "the failed count did not end the exported snapshot: " + dump.stderr());
            c.rollback();
        }
    }

    static long copiedRows(String plain, String copyLinePrefix) {
        List<String> lines = plain.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(copyLinePrefix + " ")) {
                start = i;
            }
        }
        assertTrue(start >= 0, copyLinePrefix + " in " + plain);
        long n = 0;
        for (int i = start + 1; !lines.get(i).equals("\\."); i++) {
            n++;
        }
        return n;
    }
}
