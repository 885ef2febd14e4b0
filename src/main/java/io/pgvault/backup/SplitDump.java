package io.pgvault.backup;

import io.pgvault.jobs.JobContext;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.postgres.DataTables;
import io.pgvault.postgres.ExportedSnapshot;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.Manifest;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One database larger than {@code pgvault.backup.split-database-bytes}, dumped as parts ({@link SplitPlan}) by
 * several {@code pg_dump --snapshot} at once, all from the database's one exported snapshot: the parts fit
 * together exactly as one dump would. Each part is its own checksummed file (manifest {@code part}); the data
 * parts share the backup's dump slots with the other databases, and one failed part stops its siblings and fails
 * the backup. The caller holds the snapshot until this returns.
 */
final class SplitDump {

    private static final Logger LOG = Logger.getLogger(SplitDump.class);

    private final PgTools tools;
    private final DumpStream streams;
    private final Function<ExportedSnapshot, List<String>> commonArgs;

    /** {@code commonArgs}: the options every pg_dump of a database gets (format, timeouts, snapshot, compression). */
    SplitDump(PgTools tools, DumpStream streams, Function<ExportedSnapshot, List<String>> commonArgs) {
        this.tools = tools;
        this.streams = streams;
        this.commonArgs = commonArgs;
    }

    /**
     * Dumps {@code db}'s parts from {@code snapshot} while {@code census} counts its tables on the snapshot's own
     * session; the parts' manifest entries in restore order (pre-data, data-1 … data-N, post-data).
     */
    List<Manifest.File> dump(DatabaseFacts db, ExportedSnapshot snapshot, DumpStream.Dump dump,
            Function<ExportedSnapshot, List<Manifest.TableStat>> census) {
        List<SplitPlan.Part> parts = SplitPlan.parts(DataTables.of(snapshot), dump.workers());
        int dataParts = (int) parts.stream().filter(SplitPlan.Part::data).count();
        LOG.infof("Database \"%s\" (%d bytes) is dumped in %d parts from one snapshot, %d data stream(s) at once",
                db.name(), db.sizeBytes(), parts.size(), Math.min(dump.workers(), dataParts));
        dump.progress().splitInto(parts.size());
        RunningDumps running = dump.running().child();
        // The data parts take the backup's dump slots; the two schema parts (catalog reads of seconds) run one
        // after the other beside them without a slot, as pg_dump -j's leader does, so they never delay a stream.
        ExecutorService dataPool = Executors.newFixedThreadPool(Math.max(1, Math.min(dump.workers(), dataParts)));
        ExecutorService schemaThread = Executors.newSingleThreadExecutor();
        List<ExecutorService> pools = List.of(dataPool, schemaThread);
        try {
            List<Future<Manifest.File>> futures = new ArrayList<>();
            for (SplitPlan.Part part : parts) {
                DumpStream.Dump partDump = dump.to(BackupLayout.partFile(dump.path(), part.name()), running);
                futures.add((part.data() ? dataPool : schemaThread)
                        .submit(JobContext.wrap(() -> dumpPart(db, snapshot, part, partDump))));
            }
            List<Manifest.TableStat> tables = countWhileDumping(snapshot, census, running, pools, futures);
            List<Manifest.File> files = running.collect(futures, pools);
            return inRestoreOrder(withTables(files, parts, tables));
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
    }

    /** The census, while the parts run: the snapshot's session is otherwise idle, and it sees their data. */
    private static List<Manifest.TableStat> countWhileDumping(ExportedSnapshot snapshot,
            Function<ExportedSnapshot, List<Manifest.TableStat>> census, RunningDumps running,
            List<ExecutorService> pools, List<Future<Manifest.File>> futures) {
        try {
            return census.apply(snapshot);
        } catch (RuntimeException e) {
            running.stopAll(pools, futures); // no part may commit after the database failed
            throw e;
        }
    }

    private Manifest.File dumpPart(DatabaseFacts db, ExportedSnapshot snapshot, SplitPlan.Part part,
            DumpStream.Dump dump) {
        List<String> args = new ArrayList<>(commonArgs.apply(snapshot));
        args.addAll(part.args());
        ProcessBuilder pb = tools.command(db.name(), "pg_dump", args);
        String what = "database \"" + db.name() + "\" (part " + part.name() + ")";
        Supplier<BlockBlobSink.StoredFile> stream = () -> streams.stream(pb, what,
                "application/octet-stream", db.name() + " (" + part.name() + ")", dump);
        BlockBlobSink.StoredFile stored = part.data() ? dump.slots().call(stream) : stream.get();
        return new Manifest.File(Manifest.File.KIND_DATABASE, db.name(), db.owner(), db.sizeBytes(), dump.relative(),
                stored.bytes(), stored.sha256(), stored.md5Base64(), dump.compression().toString(),
                dump.resume().now(), null, part.name(), null);
    }

    /** Each data part with the statistics of its tables (the rest-of-data part: all others); null = none. */
    private static List<Manifest.File> withTables(List<Manifest.File> files, List<SplitPlan.Part> parts,
            List<Manifest.TableStat> tables) {
        if (tables == null) {
            return files;
        }
        Set<String> byTable = new HashSet<>();
        parts.stream().filter(SplitPlan.Part::byTable).forEach(p -> p.tables().forEach(t -> byTable.add(key(t))));
        List<Manifest.File> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Manifest.File f = files.get(i);
            SplitPlan.Part p = parts.get(i);
            Set<String> own = new HashSet<>();
            p.tables().forEach(t -> own.add(key(t)));
            List<Manifest.TableStat> mine = !p.data() ? null
                    : tables.stream().filter(t -> p.byTable() ? own.contains(key(t)) : !byTable.contains(key(t))).toList();
            out.add(new Manifest.File(f.kind(), f.database(), f.owner(), f.databaseSizeBytes(), f.path(), f.bytes(),
                    f.sha256(), f.md5(), f.compression(), f.dumpedAt(), f.reusedFrom(), f.part(), mine));
        }
        return out;
    }

    private static String key(DataTables.Table t) {
        return t.schema() + "\0" + t.name();
    }

    private static String key(Manifest.TableStat t) {
        return t.schema() + "\0" + t.table();
    }

    /** pre-data, data-1 … data-N (by number), post-data. */
    static List<Manifest.File> inRestoreOrder(List<Manifest.File> files) {
        List<Manifest.File> out = new ArrayList<>();
        files.stream().filter(f -> Manifest.PART_PRE_DATA.equals(f.part())).forEach(out::add);
        files.stream().filter(f -> f.part().startsWith(Manifest.PART_DATA_PREFIX))
                .sorted(java.util.Comparator.comparingInt(f -> Integer.parseInt(
                        f.part().substring(Manifest.PART_DATA_PREFIX.length()))))
                .forEach(out::add);
        files.stream().filter(f -> Manifest.PART_POST_DATA.equals(f.part())).forEach(out::add);
        return out;
    }
}
