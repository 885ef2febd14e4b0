package io.pgvault.backup;

import io.pgvault.postgres.DataTables;
import io.pgvault.vault.Manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How one large database is cut into parts, each its own pg_dump from the same snapshot: the schema before the
 * data ({@code --section=pre-data}: tables, types, functions, large objects' entries), the rows in as many data
 * streams as the backup has slots, and the schema after the data ({@code --section=post-data}: indexes,
 * constraints, triggers, policies, materialized views' refresh).
 *
 * <p>With several streams the data is cut into {@link #PARTS_PER_STREAM} parts per stream, which the streams take
 * largest first as they come free. The tables are packed into the parts the way {@code pg_dump -j} would weigh
 * them: each table, largest first, to the part with the fewest bytes so far, so small tables fill the gaps the
 * large ones leave. All parts but one name their tables ({@code --table}); the last, the rest-of-data part,
 * dumps everything else of the data section ({@code --exclude-table} of the others' tables): its own tables, and
 * what no table list can name — sequence values (SEQUENCE SET), large objects' contents,
 * extension members and any table listed after the plan was made. At most {@link #MAX_LISTED_TABLES} tables are
 * named in all, so the command lines stay short and pg_dump's one catalog query per pattern stays cheap; tables
 * beyond that (the smallest) and empty tables stay in the rest-of-data part.
 *
 * <p>A sequence owned by a column of a named table ({@code serial}) is dumped by pg_dump with its table and also
 * by the rest-of-data part: its SEQUENCE SET appears in both, with the same value (one snapshot), so restoring
 * it twice is harmless. An identity sequence is dumped only with its table.
 */
final class SplitPlan {

    /**
     * Data parts per stream when there are several: the streams take the parts largest first, each the next as it
     * ends, so a part that runs slower than its size says (data that compresses worse, a busier table) is made up
     * by the smaller parts at the end, as pg_dump -j's workers take the next table; more parts would cost a
     * pg_dump start (connection, snapshot, catalog read) each.
     */
    static final int PARTS_PER_STREAM = 4;

    /** Most tables named by the table streams (each is one {@code --table} and one {@code --exclude-table}). */
    static final int MAX_LISTED_TABLES = 2000;

    /**
     * One part: its name in the manifest, its pg_dump arguments (besides the common ones), its tables (a table
     * stream's own; for the rest-of-data stream the other tables listed), their bytes, and whether it names its
     * tables.
     */
    record Part(String name, List<String> args, List<DataTables.Table> tables, long bytes, boolean byTable) {

        /** A part of the data section (else the schema before or after it). */
        boolean data() {
            return name.startsWith(Manifest.PART_DATA_PREFIX);
        }
    }

    private SplitPlan() {
    }

    /**
     * The parts of a database with these tables for {@code streams} concurrent data dumps: the data parts in the
     * order they should start (most bytes first), then pre-data and post-data.
     */
    static List<Part> parts(List<DataTables.Table> tables, int streams) {
        List<List<DataTables.Table>> bins = pack(tables, streams <= 1 ? 1 : streams * PARTS_PER_STREAM);
        List<DataTables.Table> rest = bins.get(0);
        List<List<DataTables.Table>> named = bins.subList(1, bins.size()).stream().filter(b -> !b.isEmpty())
                .sorted(Comparator.comparingLong(SplitPlan::bytes).reversed()).toList();
        List<Part> parts = new ArrayList<>();
        List<String> tail = new ArrayList<>(List.of("--section=data"));
        for (List<DataTables.Table> bin : named) {
            List<String> args = new ArrayList<>(List.of("--section=data", "--strict-names"));
            bin.forEach(t -> args.add("--table=" + pattern(t)));
            bin.forEach(t -> tail.add("--exclude-table=" + pattern(t)));
            parts.add(new Part(Manifest.PART_DATA_PREFIX + (parts.size() + 1), args, bin, bytes(bin), true));
        }
        parts.add(new Part(Manifest.PART_DATA_PREFIX + (named.size() + 1), tail, rest, bytes(rest), false));
        parts.sort(Comparator.comparingLong(Part::bytes).reversed());
        parts.add(new Part(Manifest.PART_PRE_DATA, List.of("--section=pre-data"), List.of(), 0, false));
        parts.add(new Part(Manifest.PART_POST_DATA, List.of("--section=post-data"), List.of(), 0, false));
        return parts;
    }

    /**
     * Greedy packing, as pg_dump -j schedules: each table (largest first) to the bin with the fewest bytes so far
     * ({@link #leastLoaded}). Bin 0 is the rest-of-data stream: it also takes the empty tables and every table once
     * {@link #MAX_LISTED_TABLES} are named by the others.
     */
    static List<List<DataTables.Table>> pack(List<DataTables.Table> tables, int binCount) {
        List<List<DataTables.Table>> bins = new ArrayList<>();
        long[] load = new long[binCount];
        for (int i = 0; i < binCount; i++) {
            bins.add(new ArrayList<>());
        }
        int listed = 0;
        for (DataTables.Table t : tables.stream().sorted(Comparator.comparingLong(DataTables.Table::bytes).reversed()).toList()) {
            int least = binCount > 1 && listed < MAX_LISTED_TABLES && t.bytes() > 0 ? leastLoaded(load) : 0;
            bins.get(least).add(t);
            load[least] += t.bytes();
            listed += least == 0 ? 0 : 1;
        }
        return bins;
    }

    /**
     * The table streams' least loaded bin, or the rest-of-data stream (bin 0) only if it has strictly fewer bytes:
     * it also carries what no table size shows (sequence values, large objects).
     */
    private static int leastLoaded(long[] load) {
        int least = 1;
        for (int i = 2; i < load.length; i++) {
            least = load[i] < load[least] ? i : least;
        }
        return load[0] < load[least] ? 0 : least;
    }

    /**
     * pg_dump's pattern for exactly this table: schema and name each in double quotes (a double quote doubled),
     * where pg_dump matches every character literally — a dot, a star, a question mark, upper case, any letter.
     */
    static String pattern(DataTables.Table t) {
        return quote(t.schema()) + "." + quote(t.name());
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static long bytes(List<DataTables.Table> tables) {
        return tables.stream().mapToLong(DataTables.Table::bytes).sum();
    }
}
