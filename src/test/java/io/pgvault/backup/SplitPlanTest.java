package io.pgvault.backup;

import io.pgvault.postgres.DataTables;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split of a database into parts, on table lists: greedy packing by size, the rest of the data in one stream
 * that excludes exactly the tables of the others, and exact-quoted table patterns. (SplitBackupTest runs the
 * patterns through a real pg_dump.)
 */
class SplitPlanTest {

    static DataTables.Table t(String name, long bytes) {
        return new DataTables.Table("public", name, bytes);
    }

    @Test
    void largestTablesAreSpreadByGreedyPackingAndTheRestGoesToOneStream() {
        List<DataTables.Table> tables = List.of(t("a", 500), t("b", 400), t("c", 300), t("d", 200), t("s1", 5), t("s2", 1));
        List<SplitPlan.Part> parts = SplitPlan.parts(tables, 2);
        assertEquals(List.of("data-1", "data-2", "data-3", "pre-data", "post-data"),
                parts.stream().map(SplitPlan.Part::name).toList());
        // 1406 bytes, a share 468: a, b, c get streams (the rest is then 206); a(500) → 1, b(400) → 2, c(300) → 2
        assertEquals(List.of("a"), parts.get(0).tables().stream().map(DataTables.Table::name).toList());
        assertEquals(List.of("b", "c"), parts.get(1).tables().stream().map(DataTables.Table::name).toList());
        assertEquals(List.of("d", "s1", "s2"), parts.get(2).tables().stream().map(DataTables.Table::name).toList());
        assertEquals(List.of("--section=data", "--strict-names", "--table=\"public\".\"b\"", "--table=\"public\".\"c\""),
                parts.get(1).args());
        assertEquals(List.of("--section=data", "--exclude-table=\"public\".\"a\"", "--exclude-table=\"public\".\"b\"",
                "--exclude-table=\"public\".\"c\""), parts.get(2).args());
        assertEquals(List.of("--section=pre-data"), parts.get(3).args());
        assertEquals(List.of("--section=post-data"), parts.get(4).args());
    }

    @Test
    void tablesGoToStreamsOnlyUntilTheRestIsAFairShare() {
        // 1000 bytes in all, 3 streams: a share is 250; after "a" (600) the rest (400) is more, after "b" (200) it is not
        List<DataTables.Table> tables = List.of(t("a", 600), t("b", 200), t("c", 100), t("d", 100));
        assertEquals(List.of("a", "b"), SplitPlan.large(tables, 3).stream().map(DataTables.Table::name).toList());
        assertEquals(List.of(), SplitPlan.large(List.of(t("empty", 0)), 2), "an empty table never gets a stream");
    }

    @Test
    void patternsQuoteEveryNameExactly() {
        assertEquals("\"Sch.ema\".\"it's a \"\"q\"\" *?ü\"",
                SplitPlan.pattern(new DataTables.Table("Sch.ema", "it's a \"q\" *?ü", 1)));
    }

    @Test
    void oneStreamStillSeparatesSchemaFromData() {
        List<SplitPlan.Part> parts = SplitPlan.parts(List.of(t("a", 10), t("b", 10)), 1);
        assertEquals(List.of("data-1", "data-2", "pre-data", "post-data"), parts.stream().map(SplitPlan.Part::name).toList());
        assertTrue(parts.get(0).byTable() && !parts.get(1).byTable());
    }
}
