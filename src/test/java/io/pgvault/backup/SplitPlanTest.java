package io.pgvault.backup;

import io.pgvault.postgres.DataTables;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split of a database into parts, on table lists: greedy packing by size as pg_dump -j schedules (small tables
 * fill the gaps), the rest of the data in one stream that excludes exactly the tables of the others, a cap on named
 * tables, and exact-quoted table patterns. (SplitBackupTest runs the patterns through a real pg_dump.)
 */
class SplitPlanTest {

    static DataTables.Table t(String name, long bytes) {
        return new DataTables.Table("public", name, bytes);
    }

    static List<String> names(SplitPlan.Part p) {
        return p.tables().stream().map(DataTables.Table::name).toList();
    }

    @Test
    void eachTableLargestFirstGoesToTheLeastLoadedBinAndTheRestBinOnlyIfStrictlyLess() {
        List<DataTables.Table> tables = List.of(t("s2", 1), t("a", 500), t("b", 400), t("c", 300), t("d", 200), t("s1", 5));
        List<List<DataTables.Table>> bins = SplitPlan.pack(tables, 2);
        // a(500) → bin 1 (a tie goes to a table bin: the rest bin also carries sequences and large objects),
        // b(400) → rest, c(300) → rest (400 < 500), d(200) → bin 1 (500 < 700), s1(5) → bin 1 (a tie at 700),
        // s2(1) → rest (700 < 705)
        assertEquals(List.of("b", "c", "s2"), bins.get(0).stream().map(DataTables.Table::name).toList());
        assertEquals(List.of("a", "d", "s1"), bins.get(1).stream().map(DataTables.Table::name).toList());
    }

    @Test
    void severalStreamsGetSeveralPartsEachLargestFirstAndTheRestPartExcludesTheOthers() {
        List<DataTables.Table> tables = List.of(t("s2", 1), t("a", 500), t("b", 400), t("c", 300), t("d", 200), t("s1", 5));
        List<SplitPlan.Part> parts = SplitPlan.parts(tables, 2); // 8 bins: every table one of its own
        assertEquals(List.of("data-1", "data-2", "data-3", "data-4", "data-5", "data-6", "data-7", "pre-data", "post-data"),
                parts.stream().map(SplitPlan.Part::name).toList(), "the data parts in start order: most bytes first");
        assertEquals(List.of("a"), names(parts.get(0)));
        assertEquals(List.of("--section=data", "--strict-names", "--table=\"public\".\"a\""), parts.get(0).args());
        assertEquals(List.of("s2"), names(parts.get(5)));
        SplitPlan.Part rest = parts.get(6);
        assertTrue(rest.data() && !rest.byTable() && rest.tables().isEmpty(),
                "the rest-of-data part is numbered last and always dumped (sequences, large objects)");
        assertEquals(List.of("--section=data", "--exclude-table=\"public\".\"a\"", "--exclude-table=\"public\".\"b\"",
                "--exclude-table=\"public\".\"c\"", "--exclude-table=\"public\".\"d\"",
                "--exclude-table=\"public\".\"s1\"", "--exclude-table=\"public\".\"s2\""), rest.args());
        assertEquals(List.of("--section=pre-data"), parts.get(7).args());
        assertEquals(List.of("--section=post-data"), parts.get(8).args());
    }

    @Test
    void fourEqualTablesAndSmallOnesEndTogetherOnTwoStreams() {
        // the bench's shape: 4 large tables and 200 small ones; the small ones fill parts of their own, which the
        // streams take last, so two streams taking the next part as they come free end together
        List<DataTables.Table> tables = new ArrayList<>(List.of(t("big1", 450), t("big2", 450), t("big3", 450), t("big4", 450)));
        for (int i = 0; i < 200; i++) {
            tables.add(t("small" + i, 1));
        }
        List<SplitPlan.Part> data = SplitPlan.parts(tables, 2).stream().filter(SplitPlan.Part::data).toList();
        assertEquals(2 * SplitPlan.PARTS_PER_STREAM, data.size());
        assertEquals(List.of(450L, 450L, 450L, 450L, 50L, 50L, 50L, 50L), data.stream().map(SplitPlan.Part::bytes).toList());
        long[] stream = new long[2];
        for (SplitPlan.Part p : data) { // each part to the stream that comes free first
            int free = stream[0] <= stream[1] ? 0 : 1;
            stream[free] += p.bytes();
        }
        assertEquals(1000, stream[0]);
        assertEquals(1000, stream[1]);
    }

    @Test
    void emptyTablesAndTablesBeyondTheCapStayInTheRestStream() {
        List<DataTables.Table> tables = new ArrayList<>(List.of(t("empty", 0)));
        for (int i = 0; i < SplitPlan.MAX_LISTED_TABLES * 2; i++) {
            tables.add(t("t" + i, 1000 - i % 7));
        }
        List<SplitPlan.Part> parts = SplitPlan.parts(tables, 3);
        long named = parts.stream().filter(SplitPlan.Part::byTable).mapToLong(p -> p.tables().size()).sum();
        assertEquals(SplitPlan.MAX_LISTED_TABLES, named, "at most the cap is named");
        SplitPlan.Part rest = parts.stream().filter(p -> p.data() && !p.byTable()).findFirst().orElseThrow();
        assertTrue(names(rest).contains("empty"));
        assertEquals(tables.size() - SplitPlan.MAX_LISTED_TABLES, rest.tables().size());
        assertEquals(1 + SplitPlan.MAX_LISTED_TABLES, rest.args().size(), "the rest stream excludes every named table");
    }

    @Test
    void patternsQuoteEveryNameExactly() {
        assertEquals("\"Sch.ema\".\"it's a \"\"q\"\" *?ü\"",
                SplitPlan.pattern(new DataTables.Table("Sch.ema", "it's a \"q\" *?ü", 1)));
    }

    @Test
    void oneStreamStillSeparatesSchemaFromData() {
        List<SplitPlan.Part> parts = SplitPlan.parts(List.of(t("a", 10), t("b", 10)), 1);
        assertEquals(List.of("data-1", "pre-data", "post-data"), parts.stream().map(SplitPlan.Part::name).toList());
        assertEquals(List.of("--section=data"), parts.get(0).args(), "one stream: the whole data section");
        assertEquals(List.of("a", "b"), names(parts.get(0)));
    }

    @Test
    void moreStreamsThanTablesMakesNoEmptyPart() {
        List<SplitPlan.Part> parts = SplitPlan.parts(List.of(t("a", 10)), 4);
        assertEquals(List.of("data-1", "data-2", "pre-data", "post-data"), parts.stream().map(SplitPlan.Part::name).toList());
        assertEquals(List.of("a"), names(parts.get(0)), "the one table in a table stream");
        assertEquals(List.of("--section=data", "--exclude-table=\"public\".\"a\""), parts.get(1).args(),
                "the rest stream (sequences, large objects) is always dumped");
    }
}
