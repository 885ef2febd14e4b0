package io.pgvault.config;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.restore.VerifyMode;
import io.pgvault.vault.ImmutabilityMode;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place where pgvault's typed settings (numbers, durations, booleans, closed sets) are parsed from the text
 * {@link PgvaultConfig} holds. Nothing is parsed when the app starts — a bad value must never keep the functions
 * from loading — but when a value is used: a bad one fails that use with a {@link ErrorKind#BAD_SETTING} error that
 * names the app setting as a user sets it ({@code PGVAULT_...}), its value and a HINT with the expected format.
 * {@link #problems()} lists every bad setting at once (the preflight and every backup run start with it).
 */
@ApplicationScoped
public class Settings {

    private final PgvaultConfig config;

    public Settings(PgvaultConfig config) {
        this.config = config;
    }

    /** One typed setting: its property name and how it is read (parsing included). */
    private record Typed(String property, Function<Settings, Object> read) {

        /** The app-setting (environment variable) name: {@code pgvault.pg.port} is {@code PGVAULT_PG_PORT}. */
        String name() {
            return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }
    }

    /** Every typed setting, in the order of {@link PgvaultConfig}. */
    private static final List<Typed> TYPED = List.of(
            new Typed("pgvault.pg.port", Settings::pgPort),
            new Typed("pgvault.pg.sslmode", Settings::pgSslMode),
            new Typed("pgvault.pg.auth", Settings::pgAuth),
            new Typed("pgvault.vault.access-tier", Settings::vaultAccessTier),
            new Typed("pgvault.vault.claim-lease-seconds", Settings::claimLeaseSeconds),
            new Typed("pgvault.vault.immutability-days", Settings::immutabilityDays),
            new Typed("pgvault.vault.immutability-mode", Settings::immutabilityMode),
            new Typed("pgvault.vault.retry-max-tries", Settings::retryMaxTries),
            new Typed("pgvault.vault.retry-delay", Settings::retryDelay),
            new Typed("pgvault.backup.parallelism", Settings::backupParallelism),
            new Typed("pgvault.backup.compression", Settings::compression),
            new Typed("pgvault.backup.block-size-bytes", Settings::blockSizeBytes),
            new Typed("pgvault.backup.max-blocks", Settings::maxBlocks),
            new Typed("pgvault.backup.split-database-bytes", Settings::splitDatabaseBytes),
            new Typed("pgvault.backup.blocks-in-flight", Settings::blocksInFlight),
            new Typed("pgvault.backup.lock-wait-timeout", Settings::lockWaitTimeout),
            new Typed("pgvault.backup.time-budget", Settings::timeBudget),
            new Typed("pgvault.backup.timeout", Settings::backupTimeout),
            new Typed("pgvault.backup.exact-count-max-bytes", Settings::exactCountMaxBytes),
            new Typed("pgvault.restore.allowed-endpoints", Settings::restoreAllowedEndpoints),
            new Typed("pgvault.restore.sync-copy-max-bytes", Settings::syncCopyMaxBytes),
            new Typed("pgvault.restore.copy-timeout", Settings::copyTimeout),
            new Typed("pgvault.matrix.max-server-size-bytes", Settings::maxServerSizeBytes),
            new Typed("pgvault.matrix.max-bytea-bytes", Settings::maxByteaBytes),
            new Typed("pgvault.retention.weekly-weeks", Settings::weeklyWeeks),
            new Typed("pgvault.retention.monthly-months", Settings::monthlyMonths),
            new Typed("pgvault.retention.yearly-years", Settings::yearlyYears),
            new Typed("pgvault.retention.prune-after-backup", Settings::pruneAfterBackup),
            new Typed("pgvault.jobs.retention-days", Settings::jobsRetentionDays),
            new Typed("pgvault.queue.max-dequeue-count", Settings::queueMaxDequeueCount),
            new Typed("pgvault.queue.retry-delay", Settings::queueRetryDelay),
            new Typed("pgvault.watch.overdue-days", Settings::watchOverdueDays),
            new Typed("pgvault.drill.server.port", Settings::drillPort),
            new Typed("pgvault.drill.server.sslmode", Settings::drillSslMode),
            new Typed("pgvault.drill.server.auth", Settings::drillAuth));

    /** The app-setting names of every typed setting (each is checked by {@link #problems()}). */
    public static List<String> typedNames() {
        return TYPED.stream().map(Typed::name).toList();
    }

    /** The property names of every typed setting ({@code pgvault.pg.port}, ...), in the same order. */
    public static List<String> typedProperties() {
        return TYPED.stream().map(Typed::property).toList();
    }

    /**
     * Text settings that must not be empty (their defaults are never empty: only an empty app setting is), and the
     * restore's verify mode, whose enum parses itself ({@link VerifyMode#parse}), and the fleet's host list.
     */
    private static final List<Function<PgvaultConfig, Object>> TEXT = List.of(PgvaultConfig::serverName,
            c -> c.pg().host(), c -> c.pg().user(), c -> c.pg().database(), c -> c.vault().container(),
            c -> VerifyMode.parse(c.restore().verify()), c -> c.verify().scratchRole(),
            c -> new Settings(c).fleetAllowedHosts(), c -> new Settings(c).restorePrivateServerHosts());

    /** Every bad setting, each as its own error (name, value, HINT); empty when every setting can be used. */
    public List<PgvaultException> problems() {
        List<PgvaultException> found = new ArrayList<>();
        for (Function<PgvaultConfig, Object> text : TEXT) {
            try {
                text.apply(config);
            } catch (PgvaultException e) {
                found.add(e);
            }
        }
        for (Typed t : TYPED) {
            try {
                t.read().apply(this);
            } catch (PgvaultException e) {
                found.add(e);
            }
        }
        return found;
    }

    /** Throws when any setting is bad: the one error, or one error listing them all. */
    public void check() {
        List<PgvaultException> found = problems();
        if (found.size() == 1) {
            throw found.get(0);
        }
        if (!found.isEmpty()) {
            throw new PgvaultException(ErrorKind.BAD_SETTING, found.size() + " app settings have values pgvault cannot use:",
                    found.stream().map(e -> "- " + e.evidence() + ": " + e.problem() + " HINT: " + e.hint())
                            .collect(Collectors.joining("\n")),
                    "Fix each setting above (or delete it to use its default), then run the preflight again.");
        }
    }

    // ---- the typed settings -------------------------------------------------------------------------------------

    public int pgPort() {
        return (int) SettingText.number("PGVAULT_PG_PORT", config.pg().port(), 1, 65535, "a TCP port");
    }

    public SslMode pgSslMode() {
        return SettingText.oneOf("PGVAULT_PG_SSLMODE", config.pg().sslmode(), SslMode.values());
    }

    public PgAuth pgAuth() {
        return SettingText.oneOf("PGVAULT_PG_AUTH", config.pg().auth(), PgAuth.values());
    }

    public VaultTier vaultAccessTier() {
        return SettingText.oneOf("PGVAULT_VAULT_ACCESS_TIER", config.vault().accessTier(), VaultTier.values());
    }

    /** Azure's blob leases last 15 to 60 seconds. */
    public int claimLeaseSeconds() {
        return (int) SettingText.number("PGVAULT_VAULT_CLAIM_LEASE_SECONDS", config.vault().claimLeaseSeconds(), 15, 60, "seconds");
    }

    /** Azure caps a time-based retention at 146000 days. */
    public int immutabilityDays() {
        return (int) SettingText.number("PGVAULT_VAULT_IMMUTABILITY_DAYS", config.vault().immutabilityDays(), 0, 146_000,
                "days (0: off)");
    }

    public ImmutabilityMode immutabilityMode() {
        return SettingText.oneOf("PGVAULT_VAULT_IMMUTABILITY_MODE", config.vault().immutabilityMode(), ImmutabilityMode.values());
    }

    public int retryMaxTries() {
        return (int) SettingText.number("PGVAULT_VAULT_RETRY_MAX_TRIES", config.vault().retryMaxTries(), 1, 100, "attempts");
    }

    public Duration retryDelay() {
        return SettingText.duration("PGVAULT_VAULT_RETRY_DELAY", config.vault().retryDelay());
    }

    public int backupParallelism() {
        return (int) SettingText.number("PGVAULT_BACKUP_PARALLELISM", config.backup().parallelism(), 0, 1024,
                "databases at once (0: one per processor core)");
    }

    /** {@code zstd[:1-19]}, {@code gzip[:1-9]} or {@code none}. */
    public Compression.Choice compression() {
        return parseCompression("PGVAULT_BACKUP_COMPRESSION", config.backup().compression());
    }

    public int blockSizeBytes() {
        return (int) SettingText.number("PGVAULT_BACKUP_BLOCK_SIZE_BYTES", config.backup().blockSizeBytes(), 65_536,
                Integer.MAX_VALUE, "bytes");
    }

    /** Azure's ceiling is 50,000 committed blocks per blob (vault/BlockSchedule checks the schedule it makes). */
    public int maxBlocks() {
        return (int) SettingText.number("PGVAULT_BACKUP_MAX_BLOCKS", config.backup().maxBlocks(), 1, 50_000, "blocks");
    }

    /** Databases larger than this are dumped in parts from one snapshot (backup/SplitDump). */
    public long splitDatabaseBytes() {
        return SettingText.number("PGVAULT_BACKUP_SPLIT_DATABASE_BYTES", config.backup().splitDatabaseBytes(), 1,
                Long.MAX_VALUE, "bytes");
    }

    public Duration timeBudget() {
        return SettingText.duration("PGVAULT_BACKUP_TIME_BUDGET", config.backup().timeBudget());
    }

    public int jobsRetentionDays() {
        return (int) SettingText.number("PGVAULT_JOBS_RETENTION_DAYS", config.jobs().retentionDays(), 1, 100_000, "days");
    }

    /** Must equal host.json's extensions.queues.maxDequeueCount (InfraConsistencyTest checks the default). */
    public int queueMaxDequeueCount() {
        return (int) SettingText.number("PGVAULT_QUEUE_MAX_DEQUEUE_COUNT", config.queue().maxDequeueCount(), 1, 100, "attempts");
    }

    /** Zero is allowed: a failed message is offered again at once (tests, a drained local run). */
    /** Exact host names or addresses a restore into a server may name although private or loopback; may be empty. */
    public List<String> restorePrivateServerHosts() {
        String name = "PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS";
        List<String> entries = Arrays.stream(config.restore().privateServerHosts().orElse("").split(","))
                .map(String::trim).filter(e -> !e.isEmpty()).toList();
        for (String entry : entries) {
            if (!entry.matches("[A-Za-z0-9._:-]{1,253}")) {
                throw SettingText.bad(name, entry, "has an entry that is not a host name or address",
                        "Set " + name + " to a comma-separated list of exact hosts, such as 10.0.0.5,pg.internal, or"
                                + " delete it (then private, loopback and link-local targets are refused).");
            }
        }
        return entries;
    }

    /** Exact host names or addresses, or {@code *.domain}; at least one. */
    public List<String> fleetAllowedHosts() {
        String name = "PGVAULT_FLEET_ALLOWED_HOSTS";
        String hint = "Set " + name + " to a comma-separated list of hosts or *.domain entries, such as"
                + " *.postgres.database.azure.com,10.0.0.5, or delete the app setting to use the default.";
        List<String> entries = Arrays.stream(SettingText.present(name, config.fleet().allowedHosts(), hint).split(","))
                .map(String::trim).filter(e -> !e.isEmpty()).toList();
        for (String entry : entries) {
            if (!entry.matches("(\\*\\.)?[A-Za-z0-9._:-]{1,253}") || entry.equals("*.")) {
                throw SettingText.bad(name, entry, "has an entry that is neither a host nor *.domain", hint);
            }
        }
        if (entries.isEmpty()) {
            throw SettingText.bad(name, config.fleet().allowedHosts().orElse(""), "lists no host", hint);
        }
        return entries;
    }

    /** A weekly backup plus a day's grace by default. */
    public int watchOverdueDays() {
        return (int) SettingText.number("PGVAULT_WATCH_OVERDUE_DAYS", config.watch().overdueDays(), 1, 3650, "days");
    }

    public Duration queueRetryDelay() {
        String name = "PGVAULT_QUEUE_RETRY_DELAY";
        Optional<String> raw = config.queue().retryDelay();
        return raw.map(String::trim).filter(v -> v.equals("PT0S") || v.equals("0s") || v.equals("0"))
                .map(v -> Duration.ZERO).orElseGet(() -> SettingText.duration(name, raw));
    }

    public int blocksInFlight() {
        return (int) SettingText.number("PGVAULT_BACKUP_BLOCKS_IN_FLIGHT", config.backup().blocksInFlight(), 1, 64, "blocks");
    }

    public Duration lockWaitTimeout() {
        return SettingText.duration("PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT", config.backup().lockWaitTimeout());
    }

    public Duration backupTimeout() {
        return SettingText.duration("PGVAULT_BACKUP_TIMEOUT", config.backup().timeout());
    }

    /** 0: every table's rows are the planner's estimate. */
    public long exactCountMaxBytes() {
        return SettingText.number("PGVAULT_BACKUP_EXACT_COUNT_MAX_BYTES", config.backup().exactCountMaxBytes(), 0,
                Long.MAX_VALUE, "bytes (0: estimates only)");
    }

    public int drillPort() {
        return (int) SettingText.number("PGVAULT_DRILL_SERVER_PORT", config.drill().server().port(), 1, 65535, "a TCP port");
    }

    public SslMode drillSslMode() {
        return SettingText.oneOf("PGVAULT_DRILL_SERVER_SSLMODE", config.drill().server().sslmode(), SslMode.values());
    }

    public PgAuth drillAuth() {
        return SettingText.oneOf("PGVAULT_DRILL_SERVER_AUTH", config.drill().server().auth(), PgAuth.values());
    }

    /** Each entry an absolute http(s) URL with a host (a blob endpoint, optionally with an account path). */
    public List<String> restoreAllowedEndpoints() {
        String name = "PGVAULT_RESTORE_ALLOWED_ENDPOINTS";
        List<String> entries = config.restore().allowedEndpoints().orElse(List.of()).stream().map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        for (String entry : entries) {
            URI uri;
            try {
                uri = new URI(entry);
            } catch (URISyntaxException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
                throw SettingText.bad(name, entry, "has an entry that is not an http(s) URL", "Set " + name + " to a comma-separated"
                        + " list of blob endpoints such as http://127.0.0.1:10000/pgvaulttarget, or leave it empty.");
            }
        }
        return entries;
    }

    public long syncCopyMaxBytes() {
        return SettingText.number("PGVAULT_RESTORE_SYNC_COPY_MAX_BYTES", config.restore().syncCopyMaxBytes(), 0, Long.MAX_VALUE,
                "bytes");
    }

    public Duration copyTimeout() {
        return SettingText.duration("PGVAULT_RESTORE_COPY_TIMEOUT", config.restore().copyTimeout());
    }

    public long maxServerSizeBytes() {
        return SettingText.number("PGVAULT_MATRIX_MAX_SERVER_SIZE_BYTES", config.matrix().maxServerSizeBytes(), 1, Long.MAX_VALUE,
                "bytes");
    }

    public long maxByteaBytes() {
        return SettingText.number("PGVAULT_MATRIX_MAX_BYTEA_BYTES", config.matrix().maxByteaBytes(), 1, Long.MAX_VALUE, "bytes");
    }

    public int weeklyWeeks() {
        return (int) SettingText.number("PGVAULT_RETENTION_WEEKLY_WEEKS", config.retention().weeklyWeeks(), 1, 100_000, "weeks");
    }

    public int monthlyMonths() {
        return (int) SettingText.number("PGVAULT_RETENTION_MONTHLY_MONTHS", config.retention().monthlyMonths(), 0, 100_000,
                "months (0: off)");
    }

    public int yearlyYears() {
        return (int) SettingText.number("PGVAULT_RETENTION_YEARLY_YEARS", config.retention().yearlyYears(), 0, 10_000,
                "years (0: off)");
    }

    public boolean pruneAfterBackup() {
        String name = "PGVAULT_RETENTION_PRUNE_AFTER_BACKUP";
        String hint = "Set " + name + " to true or false.";
        String text = SettingText.present(name, config.retention().pruneAfterBackup(), hint).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true");
        }
        throw SettingText.bad(name, text, "is not true or false", hint);
    }

    /** A text setting's value; empty (an app setting set to nothing) is a {@link ErrorKind#BAD_SETTING} error. */
    public static String text(String name, Optional<String> raw) {
        return SettingText.text(name, raw);
    }

    /** A compression spelling ({@code zstd[:1-19]}, {@code gzip[:1-9]}, {@code none}) named {@code name} in errors. */
    public static Compression.Choice parseCompression(String name, Optional<String> raw) {
        return SettingText.compression(name, raw);
    }

    static String printable(String value) {
        return SettingText.printable(value);
    }
}
