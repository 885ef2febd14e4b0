package io.pgvault.backup;

import io.pgvault.jobs.JobContext;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.config.Settings;
import io.pgvault.jobs.Stopwatch;
import io.pgvault.matrix.BackupFacts;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.MatrixPolicy;
import io.pgvault.matrix.ServerFacts;
import io.pgvault.matrix.SupportMatrix;
import io.pgvault.matrix.TimeBudgetFacts;
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
    private final Settings settings;
    private final ServerInspector inspector;
    private final PgTools tools;
    private final WeekClaims weeks;
    private final BackupHistory history;

    public BackupPreflight(PgvaultConfig config, Settings settings, ServerInspector inspector, PgTools tools,
            WeekClaims weeks, BackupHistory history) {
        this.config = config;
        this.settings = settings;
        this.inspector = inspector;
        this.tools = tools;
        this.weeks = weeks;
        this.history = history;
    }

    /** What inspection found and what the matrix made of it. */
    /**
     * The preflight's findings; {@code systemIdentifier} is the server's {@code pg_control_system()} identifier
     * (recorded in the manifest), null if the login may not read it.
     */
    public record Result(ServerFacts server, String pgDumpVersion, Verdict verdict, String systemIdentifier) {
    }

    /** Starts the server's inspection (JDBC), which a backup overlaps with writing its job record. */
    CompletableFuture<ServerFacts> inspectAsync(Stopwatch since) {
        return CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed("server inspection", since, inspector::inspect)));
    }

    /** The server's system identifier (null if the login may not read it); connects now. */
    public String systemIdentifier() {
        return inspector.systemIdentifier();
    }

    /** Fails, naming every bad setting with its HINT, unless every setting can be used. */
    void checkSettings() {
        settings.check();
    }

    /** Checks the settings, then inspects and judges now. */
    public Result run(BackupType type, Instant now) {
        checkSettings();
        Stopwatch since = Stopwatch.start();
        return run(type, now, inspectAsync(since), since);
    }

    /** Judges with an inspection already under way. */
    Result run(BackupType type, Instant now, CompletableFuture<ServerFacts> inspection, Stopwatch since) {
        String server = BackupLayout.checkServer(config.serverName());
        // The three inspections touch different systems (PostgreSQL, the local tools, the vault): run them at
        // once, so the preflight costs the slowest of them, not their sum.
        // zstd's native library loads meanwhile, not when the first dump has started.
        DumpCompression compression = DumpCompression.of(settings.compression());
        CompletableFuture.runAsync(JobContext.wrap(compression::warmUp));
        CompletableFuture<String> pgDump = CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed(
                "pg_dump --version", since, tools::pgDumpVersion)));
        CompletableFuture<WeekSlot> weekSlot = CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed(
                "week slot", since, () -> weeks.slot(server, WeekClaims.isoWeek(now), now))));
        CompletableFuture<String> systemId = CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed(
                "system identifier", since, inspector::systemIdentifier)));
        CompletableFuture<TimeBudgetFacts> budget = CompletableFuture.supplyAsync(JobContext.wrapSupplier(() -> timed(
                "backup history", since, () -> timeBudget(server))));
        ServerFacts facts = join(inspection);
        String pgDumpVersion = join(pgDump);
        WeekSlot slot = join(weekSlot);
        VaultFacts vaultFacts = new VaultFacts(settings.vaultAccessTier().toString(), config.vault().matrixPlacement());
        Verdict verdict = matrix().judgeBackup(new BackupFacts(facts,
                new ToolFacts(pgDumpVersion, PgTools.major(pgDumpVersion)), vaultFacts, type, slot, join(budget)));
        return new Result(facts, pgDumpVersion, verdict, join(systemId));
    }

    /** The time-budget rule's facts: this server's last backups, the function timeout, the parallelism. */
    private TimeBudgetFacts timeBudget(String server) {
        int parallelism = settings.backupParallelism() > 0 ? settings.backupParallelism()
                : Runtime.getRuntime().availableProcessors();
        return new TimeBudgetFacts(history.recent(server), settings.timeBudget(), parallelism);
    }

    private SupportMatrix matrix() {
        return new SupportMatrix(new MatrixPolicy(settings.maxServerSizeBytes(), settings.maxByteaBytes()));
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
