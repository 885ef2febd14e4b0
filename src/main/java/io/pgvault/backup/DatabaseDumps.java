package io.pgvault.backup;

import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.jobs.JobContext;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.postgres.ExportedSnapshot;
import io.pgvault.postgres.PgConnections;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The dump step of a backup: {@code pg_dumpall --globals-only} for the roles and one {@code pg_dump} per
 * included database, several at once, each tool's stdout streamed into a new blob of the backup's folder. Each
 * database is dumped from a snapshot exported for it ({@link ExportedSnapshot}); one larger than
 * {@code pgvault.backup.split-database-bytes} is dumped in parts from that one snapshot ({@link SplitDump}). At
 * most {@code pgvault.backup.parallelism} pg_dump run at once, whole databases and data parts alike
 * ({@link DumpSlots}); the roles dump and a split database's schema parts run beside the slots.
 * One failure stops every other dump, and no file of a failed backup is committed after the failure.
 */
@ApplicationScoped
public class DatabaseDumps {

    /** Census threads (one per whole-database dump at a time): daemons, so they never hold the JVM open. */
    private static final ExecutorService CENSUS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgvault-census");
        t.setDaemon(true);
        return t;
    });

    private final PgvaultConfig config;
    private final PgTools tools;
    private final Settings settings;
    private final PgConnections connections;
    private final DumpStream streams;
    private final ReusedFiles reused;
    private final SplitDump split;

    public DatabaseDumps(PgvaultConfig config, Settings settings, PgTools tools, VaultStore vault,
            PgConnections connections) {
        this.config = config;
        this.settings = settings;
        this.tools = tools;
        this.connections = connections;
        this.streams = new DumpStream(settings, vault);
        this.reused = new ReusedFiles(vault);
        this.split = new SplitDump(tools, streams, this::pgDumpArgs);
    }

    /**
     * Dumps the roles and every included database into {@code <server>/<backupId>/}; the manifest's files. A
     * database's files an interrupted run of the same week committed ({@code resume}) are copied instead of dumped
     * if their re-read SHA-256 match what that run recorded; each database's files are recorded in {@code resume}
     * once all of them committed.
     */
    List<Manifest.File> dumpAll(List<DatabaseFacts> databases, String server, String backupId, BackupProgress progress,
            RunResume resume) {
        DumpCompression compression = DumpCompression.of(settings.compression());
        int parallelism = settings.backupParallelism() > 0 ? settings.backupParallelism()
                : Runtime.getRuntime().availableProcessors();
        RunningDumps running = new RunningDumps();
        DumpSlots slots = new DumpSlots(parallelism);
        // The (small) roles dump has its own thread and no slot: it never holds back a database.
        ExecutorService rolesThread = Executors.newSingleThreadExecutor();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, databases.size())));
        List<ExecutorService> pools = List.of(rolesThread, pool);
        try {
            String prefix = BackupLayout.backupPrefix(server, backupId);
            List<Future<List<Manifest.File>>> futures = new ArrayList<>(Collections.nCopies(databases.size() + 1, null));
            DumpStream.Dump roles = new DumpStream.Dump(prefix, prefix + "roles.sql", DumpCompression.UNCOMPRESSED, 1,
                    progress, running, null, null);
            futures.set(0, rolesThread.submit(JobContext.wrap(() -> List.of(dumpRoles(roles)))));
            // Largest first, so the longest dump never starts last and the slots end together; files keep their
            // numbers (the order of the server's catalog).
            List<Integer> bySize = IntStream.range(0, databases.size()).boxed()
                    .sorted(Comparator.comparingLong((Integer i) -> databases.get(i).sizeBytes()).reversed()).toList();
            for (int i : bySize) {
                DatabaseFacts db = databases.get(i);
                String path = prefix + BackupLayout.databaseFile(i + 1, db.name(), compression.extension());
                DumpStream.Dump dump = new DumpStream.Dump(prefix, path, compression, parallelism, progress, running,
                        resume, slots);
                futures.set(i + 1, pool.submit(JobContext.wrap(() -> reuseOrDump(db, dump))));
            }
            return running.collect(futures, pools).stream().flatMap(List::stream).toList();
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
    }

    private Manifest.File dumpRoles(DumpStream.Dump dump) {
        ProcessBuilder pb = tools.command(config.pg().database(), "pg_dumpall",
                List.of("--globals-only", "--no-role-passwords", "--no-password"));
        BlockBlobSink.StoredFile stored = streams.stream(pb, "roles and tablespaces", "application/sql", "(roles)", dump);
        return new Manifest.File(Manifest.File.KIND_GLOBALS, null, null, 0, dump.relative(), stored.bytes(),
                stored.sha256(), stored.md5Base64(), DumpCompression.UNCOMPRESSED.toString());
    }

    /** The database's files: the interrupted run's, if they all still check out, else a new dump; recorded. */
    private List<Manifest.File> reuseOrDump(DatabaseFacts db, DumpStream.Dump dump) {
        List<Manifest.File> files = dump.resume().earlier(db.name(), dump.compression().toString())
                .flatMap(earlier -> reused.copyAll(earlier, dump.resume(), dump.prefix(), dump.path(), dump.progress()))
                .orElseGet(() -> dumpDatabase(db, dump));
        dump.resume().committed(files);
        return files;
    }

    /**
     * Dumps one database from a snapshot exported for it, held only while its dumps run and closed on every path
     * (a failed or killed pg_dump, a vault error, the timeout): the dumps and whatever is counted on the snapshot's
     * session see the same data. A whole dump exports its snapshot once it has a slot.
     */
    private List<Manifest.File> dumpDatabase(DatabaseFacts db, DumpStream.Dump dump) {
        if (db.sizeBytes() > settings.splitDatabaseBytes()) {
            try (ExportedSnapshot snapshot = ExportedSnapshot.export(connections, db.name())) {
                return split.dump(db, snapshot, dump, this::census);
            }
        }
        return List.of(dump.slots().call(() -> {
            try (ExportedSnapshot snapshot = ExportedSnapshot.export(connections, db.name())) {
                return wholeDump(db, dump, snapshot);
            }
        }));
    }

    /**
     * One pg_dump of the whole database while the census counts on the snapshot's session: a table another session
     * holds then delays the count (until lock_timeout, then its estimate), never the dump. A failed dump cuts the
     * session, so a count still running ends with it.
     */
    private Manifest.File wholeDump(DatabaseFacts db, DumpStream.Dump dump, ExportedSnapshot snapshot) {
        CompletableFuture<List<Manifest.TableStat>> tables = CompletableFuture.supplyAsync(
                JobContext.wrapSupplier(() -> census(snapshot)), CENSUS);
        boolean stored = false;
        try {
            ProcessBuilder pb = tools.command(db.name(), "pg_dump", pgDumpArgs(snapshot));
            BlockBlobSink.StoredFile file = streams.stream(pb, "database \"" + db.name() + "\"",
                    "application/octet-stream", db.name(), dump);
            stored = true;
            return new Manifest.File(Manifest.File.KIND_DATABASE, db.name(), db.owner(), db.sizeBytes(),
                    dump.relative(), file.bytes(), file.sha256(), file.md5Base64(), dump.compression().toString(),
                    dump.resume().now(), null, null, tables.join());
        } finally {
            if (!stored) {
                snapshot.abort();
            }
        }
    }

    /** The options of every pg_dump of a database: custom format, the lock wait, its snapshot, the compression. */
    private List<String> pgDumpArgs(ExportedSnapshot snapshot) {
        List<String> args = new ArrayList<>(List.of("--format=custom", "--no-password",
                "--lock-wait-timeout=" + settings.lockWaitTimeout().toMillis(), "--snapshot=" + snapshot.id()));
        args.addAll(DumpCompression.of(settings.compression()).pgDumpArgs());
        return args;
    }

    /**
     * The database's per-table statistics, counted on the snapshot's session (so in the dumps' snapshot); null =
     * not recorded (the census failed: the backup goes on without them).
     */
    private List<Manifest.TableStat> census(ExportedSnapshot snapshot) {
        return TableCensus.of(snapshot, settings.exactCountMaxBytes());
    }
}
