package io.pgvault.backup;

import io.pgvault.postgres.DataTables;
import io.pgvault.vault.Manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How one large database is cut into parts, each its own pg_dump from the same snapshot: the schema before the
 * data ({@code --section=pre-data}: tables, types, functions, large objects' entries), the largest tables' rows
 * spread over {@code data-1 … data-B} by size (greedy: each table, largest first, to the stream with the fewest
 * bytes so far), the rest of the data in one more stream ({@code data-(B+1)}: the other tables, sequence values,
 * large objects' contents — everything {@code --section=data} dumps without {@code -t}, minus the large tables
 * by {@code -T}), and the schema after the data ({@code --section=post-data}: indexes, constraints, triggers,
 * policies, materialized views' refresh).
 *
 * <p>Tables go to their own streams, largest first, until what is left is no more than one stream's fair share;
 * at most {@link #MAX_LARGE_TABLES}, so that the tail stream's {@code -T} list keeps the command line short
 * (a database of thousands of equally large tables keeps the rest in its tail stream).
 *
 * <p>A sequence owned by a column of a large table ({@code serial}) is dumped by pg_dump with its table and also
 * by the tail stream: its SEQUENCE SET appears in both, with the same value (one snapshot), so restoring it twice
 * is harmless. An identity sequence is dumped only with its table.
 */
final class SplitPlan {

    /** Most tables given to the table streams (each is one {@code -t} and one {@code -T} argument). */
    static final int MAX_LARGE_TABLES = 2000;

    /**
     * One part: its name in the manifest, its pg_dump arguments (besides the common ones), its tables (a table
     * stream's own; for the rest-of-data stream the other tables listed), and whether it names its tables.
     */
    record Part(String name, List<String> args, List<DataTables.Table> tables, long bytes, boolean byTable) {
    }

    private SplitPlan() {
    }

    /**
     * The parts of a database with these tables (largest first) for {@code streams} concurrent dumps; the data
     * parts are in the order they should start (largest first), then pre-data and post-data.
     */
    static List<Part> parts(List<DataTables.Table> tables, int streams) {
        List<DataTables.Table> large = large(tables, Math.max(1, streams));
        List<List<DataTables.Table>> bins = pack(large, Math.max(1, Math.min(streams, large.size())));
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < bins.size(); i++) {
            List<String> args = new ArrayList<>(List.of("--section=data", "--strict-names"));
            bins.get(i).forEach(t -> args.add("--table=" + pattern(t)));
            parts.add(new Part(Manifest.PART_DATA_PREFIX + (i + 1), args, bins.get(i), bytes(bins.get(i)), true));
        }
        List<String> tail = new ArrayList<>(List.of("--section=data"));
        large.forEach(t -> tail.add("--exclude-table=" + pattern(t)));
        Set<DataTables.Table> inStreams = new HashSet<>(large);
        List<DataTables.Table> rest = tables.stream().filter(t -> !inStreams.contains(t)).toList();
        parts.add(new Part(Manifest.PART_DATA_PREFIX + (bins.size() + 1), tail, rest, bytes(rest), false));
        parts.add(new Part(Manifest.PART_PRE_DATA, List.of("--section=pre-data"), List.of(), 0, false));
        parts.add(new Part(Manifest.PART_POST_DATA, List.of("--section=post-data"), List.of(), 0, false));
        return parts;
    }

    /** The largest tables, until the rest is no more than one stream's share of all bytes. */
    static List<DataTables.Table> large(List<DataTables.Table> tables, int streams) {
        List<DataTables.Table> bySize = tables.stream()
                .sorted(Comparator.comparingLong(DataTables.Table::bytes).reversed()).toList();
        long rest = bytes(bySize);
        long share = rest / (streams + 1);
        List<DataTables.Table> large = new ArrayList<>();
        for (DataTables.Table t : bySize) {
            if (rest <= share || large.size() >= MAX_LARGE_TABLES || t.bytes() <= 0) {
                break;
            }
            large.add(t);
            rest -= t.bytes();
        }
        return large;
    }

    /** Greedy bin packing: each table (largest first) to the bin with the fewest bytes so far. */
    static List<List<DataTables.Table>> pack(List<DataTables.Table> largestFirst, int binCount) {
        List<List<DataTables.Table>> bins = new ArrayList<>();
        long[] load = new long[binCount];
        for (int i = 0; i < binCount; i++) {
            bins.add(new ArrayList<>());
        }
        for (DataTables.Table t : largestFirst) {
            int least = 0;
            for (int i = 1; i < binCount; i++) {
                least = load[i] < load[least] ? i : least;
            }
            bins.get(least).add(t);
            load[least] += t.bytes();
        }
        return bins.stream().filter(b -> !b.isEmpty()).toList();
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
