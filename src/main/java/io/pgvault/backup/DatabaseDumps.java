package io.pgvault.backup;

import io.pgvault.jobs.JobContext;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.matrix.DatabaseFacts;
import io.pgvault.postgres.DumpProcess;
import io.pgvault.postgres.PgTools;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.BlockBlobSink;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The dump step of a backup: {@code pg_dumpall --globals-only} for the roles and one {@code pg_dump} per
 * included database, several at once, each tool's stdout streamed into a new blob of the backup's folder. One
 * failure stops every other dump, and no file of a failed backup is committed after the failure.
 */
@ApplicationScoped
public class DatabaseDumps {

    private static final Logger LOG = Logger.getLogger(DatabaseDumps.class);

    private final PgvaultConfig config;
    private final PgTools tools;
    private final VaultStore vault;

    private final Settings settings;
    private final ReusedFiles reused;

    public DatabaseDumps(PgvaultConfig config, Settings settings, PgTools tools, VaultStore vault) {
        this.config = config;
        this.settings = settings;
        this.tools = tools;
        this.vault = vault;
        this.reused = new ReusedFiles(vault);
    }

    /**
     * Dumps the roles and every included database into {@code <server>/<backupId>/}; the manifest's files. A
     * database file an interrupted run of the same week committed ({@code resume}) is copied instead of dumped
     * if its re-read SHA-256 matches what that run recorded; each committed database file is recorded in
     * {@code resume} as it commits.
     */
    List<Manifest.File> dumpAll(List<DatabaseFacts> databases, String server, String backupId, BackupProgress progress,
            RunResume resume) {
        DumpCompression compression = DumpCompression.of(settings.compression());
        int parallelism = settings.backupParallelism() > 0 ? settings.backupParallelism()
                : Runtime.getRuntime().availableProcessors();
        RunningDumps running = new RunningDumps();
        // The (small) roles dump has its own thread: it never holds back a database, and the database slots stay
        // exactly pgvault.backup.parallelism.
        ExecutorService rolesThread = Executors.newSingleThreadExecutor();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, databases.size())));
        List<ExecutorService> pools = List.of(rolesThread, pool);
        try {
            String prefix = BackupLayout.backupPrefix(server, backupId);
            List<Future<Manifest.File>> futures = new ArrayList<>(Collections.nCopies(databases.size() + 1, null));
            futures.set(0, rolesThread.submit(JobContext.wrap(() -> dumpRoles(prefix, progress, running))));
            // Largest first, so the longest dump never starts last and the slots end together; files keep their
            // numbers (the order of the server's catalog).
            List<Integer> bySize = IntStream.range(0, databases.size()).boxed()
                    .sorted(Comparator.comparingLong((Integer i) -> databases.get(i).sizeBytes()).reversed()).toList();
            for (int i : bySize) {
                DatabaseFacts db = databases.get(i);
                String path = prefix + BackupLayout.databaseFile(i + 1, db.name(), compression.extension());
                Dump dump = new Dump(prefix, path, compression, parallelism, progress, running, resume);
                futures.set(i + 1, pool.submit(JobContext.wrap(() -> reuseOrDump(db, dump))));
            }
            return collect(futures, pools, running);
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
    }

    /** Where one dump goes and what it shares with the others of its backup. */
    private record Dump(String prefix, String path, DumpCompression compression, int workers, BackupProgress progress,
            RunningDumps running, RunResume resume) {
    }

    private static List<Manifest.File> collect(List<Future<Manifest.File>> futures, List<ExecutorService> pools,
            RunningDumps running) {
        List<Manifest.File> files = new ArrayList<>();
        for (Future<Manifest.File> f : futures) {
            try {
                files.add(f.get());
            } catch (ExecutionException e) {
                running.stopAll(pools, futures); // one failure ends the backup: stop the others
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.stopAll(pools, futures);
                throw new IllegalStateException("backup interrupted", e);
            }
        }
        return files;
    }

    private Manifest.File dumpRoles(String prefix, BackupProgress progress, RunningDumps running) {
        String path = prefix + "roles.sql";
        ProcessBuilder pb = tools.command(config.pg().database(), "pg_dumpall",
                List.of("--globals-only", "--no-role-passwords", "--no-password"));
        Dump dump = new Dump(prefix, path, DumpCompression.UNCOMPRESSED, 1, progress, running, null);
        BlockBlobSink.StoredFile stored = stream(pb, "roles and tablespaces", "application/sql", "(roles)", dump);
        return new Manifest.File(Manifest.File.KIND_GLOBALS, null, null, 0, relative(prefix, path), stored.bytes(),
                stored.sha256(), stored.md5Base64(), DumpCompression.UNCOMPRESSED.toString());
    }

    /** The database's file: the interrupted run's, if it still checks out, else a new dump; recorded as committed. */
    private Manifest.File reuseOrDump(DatabaseFacts db, Dump dump) {
        Manifest.File file = dump.resume().earlier(db.name(), dump.compression().toString())
                .flatMap(earlier -> reused.copy(earlier, dump.resume(), dump.path(),
                        relative(dump.prefix(), dump.path()), dump.progress()))
                .orElseGet(() -> dumpDatabase(db, dump));
        dump.resume().committed(file);
        return file;
    }

    private Manifest.File dumpDatabase(DatabaseFacts db, Dump dump) {
        List<String> args = new ArrayList<>(List.of("--format=custom", "--no-password",
                "--lock-wait-timeout=" + settings.lockWaitTimeout().toMillis()));
        args.addAll(dump.compression().pgDumpArgs());
        ProcessBuilder pb = tools.command(db.name(), "pg_dump", args);
        BlockBlobSink.StoredFile stored = stream(pb, "database \"" + db.name() + "\"", "application/octet-stream",
                db.name(), dump);
        return new Manifest.File(Manifest.File.KIND_DATABASE, db.name(), db.owner(), db.sizeBytes(),
                relative(dump.prefix(), dump.path()), stored.bytes(), stored.sha256(), stored.md5Base64(),
                dump.compression().toString(), dump.resume().now(), null);
    }

    /** Streams one tool's output into one new blob; the blob exists only if the tool succeeded. */
    private BlockBlobSink.StoredFile stream(ProcessBuilder pb, String what, String contentType, String item, Dump dump) {
        BlockBlobSink sink = vault.newBlob(dump.path(), contentType);
        OutputStream out = null;
        boolean committed = false;
        try {
            out = dump.compression().wrap(sink, dump.workers());
            dump.progress().started(item);
            DumpProcess.run(pb, what, out, settings.backupTimeout(), n -> dump.progress().update(item, n),
                    dump.running()::started);
            out.close(); // finishes the compressed frame; the sink stays open
            BlockBlobSink.StoredFile stored = sink.commit();
            committed = true;
            dump.progress().done(item, stored.bytes());
            LOG.debugf("Dump of %s stored: %d bytes", what, stored.bytes());
            return stored;
        } catch (IOException e) {
            throw new PgvaultException(ErrorKind.VAULT_UNAVAILABLE, "Could not store " + what + " in the vault.", e.getMessage(),
                    "Check the vault's availability and run the backup again; nothing was committed.", e);
        } finally {
            if (!committed) {
                dump.progress().aborted(item);
                sink.abort();
                closeQuietly(out);
            }
        }
    }

    /**
     * The tool processes of one backup. One failure stops them all, and {@link #stopAll} waits for every dump task
     * to end: a dump that was about to commit must not add a file after the failed backup's files were removed.
     */
    private static final class RunningDumps {
        private final Set<Process> processes = ConcurrentHashMap.newKeySet();
        private volatile boolean stopping;

        void started(Process p) {
            processes.add(p);
            if (stopping) {
                p.destroyForcibly(); // started while the backup was being stopped
            }
        }

        void stopAll(List<ExecutorService> pools, List<? extends Future<?>> tasks) {
            stopping = true;
            processes.forEach(Process::destroyForcibly); // a killed dump ends its task before any commit
            // No interrupts: an interrupted SDK call returns at once while its request still completes on the
            // wire, so a commit in flight would land after the partial files were removed. Queued dumps are
            // cancelled; running ones end on their own (their tool was killed) or finish a commit already sent.
            tasks.forEach(t -> t.cancel(false));
            pools.forEach(ExecutorService::shutdown);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            try {
                for (ExecutorService pool : pools) {
                    if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        LOG.warn("Some dumps of the failed backup did not stop within 2 minutes");
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String relative(String prefix, String path) {
        return path.substring(prefix.length());
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // the upload is aborted already
            }
        }
    }
}
