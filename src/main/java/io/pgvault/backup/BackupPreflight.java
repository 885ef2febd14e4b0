package io.pgvault.backup;

import io.pgvault.jobs.JobContext;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.matrix.BackupFacts;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.MatrixPolicy;
import io.pgvault.matrix.ServerFacts;
import io.pgvault.matrix.SupportMatrix;
import io.pgvault.matrix.ToolFacts;
import io.pgvault.matrix.VaultFacts;
import io.pgvault.matrix.Verdict;
import io.pgvault.matrix.WeekSlot;
import io.pgvault.postgres.PgTools;
import io.pgvault.postgres.ServerInspector;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.WeekClaims;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The first steps of a backup: inspect the server, the tools and the vault, and judge them against the support
 * matrix — everything a backup would refuse, at once, before anything is claimed or written.
 */
@ApplicationScoped
public class BackupPreflight {

    private static final Logger LOG = Logger.getLogger(BackupPreflight.class);

    private final PgvaultConfig config;
    private final ServerInspector inspector;
    private final PgTools tools;
    private final WeekClaims weeks;

    public BackupPreflight(PgvaultConfig config, ServerInspector inspector, PgTools tools, WeekClaims weeks) {
        this.config = config;
        this.inspector = inspector;
        this.tools = tools;
        this.weeks = weeks;
    }

    /** What inspection found and what the matrix made of it. */
    public record Result(ServerFacts server, String pgDumpVersion, Verdict verdict) {
    }

    /** Starts the server's inspection (JDBC), which a backup overlaps with writing its job record. */
    CompletableFuture<ServerFacts> inspectAsync(Stopwatch since) {
        return CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed("server inspection", since, inspector::inspect)));
    }

    /** Inspects and judges now. */
    public Result run(BackupType type, Instant now) {
        Stopwatch since = Stopwatch.start();
        return run(type, now, inspectAsync(since), since);
    }

    /** Judges with an inspection already under way. */
    Result run(BackupType type, Instant now, CompletableFuture<ServerFacts> inspection, Stopwatch since) {
        String server = BackupLayout.checkServer(config.serverName());
        // The three inspections touch different systems (PostgreSQL, the local tools, the vault): run them at
        // once, so the preflight costs the slowest of them, not their sum.
        // A bad compression setting is refused here, before anything is claimed; zstd's native library loads
        // meanwhile, not when the first dump has started.
        DumpCompression compression = DumpCompression.parse(config.backup().compression());
        CompletableFuture.runAsync(JobContext.wrap(compression::warmUp));
        CompletableFuture<String> pgDump = CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed("pg_dump --version",
                since, tools::pgDumpVersion)));
        CompletableFuture<WeekSlot> weekSlot = CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed("week slot", since,
                () -> weeks.slot(server, WeekClaims.isoWeek(now), now))));
        ServerFacts facts = join(inspection);
        String pgDumpVersion = join(pgDump);
        WeekSlot slot = join(weekSlot);
        VaultFacts vaultFacts = new VaultFacts(config.vault().accessTier(), config.vault().matrixPlacement());
        Verdict verdict = matrix().judgeBackup(new BackupFacts(facts,
                new ToolFacts(pgDumpVersion, PgTools.major(pgDumpVersion)), vaultFacts, type, slot));
        return new Result(facts, pgDumpVersion, verdict);
    }

    private SupportMatrix matrix() {
        return new SupportMatrix(new MatrixPolicy(config.matrix().maxServerSizeBytes(), config.matrix().maxByteaBytes()));
    }

    private static <T> T timed(String what, Stopwatch since, Supplier<T> step) {
        T value = step.get();
        LOG.debugf("Preflight: %s done after %d ms", what, since.millis());
        return value;
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }
}
