package io.pgvault.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Optional;

/**
 * Every setting pgvault reads, under the prefix {@code pgvault}. Each one is also an app setting /
 * environment variable: {@code pgvault.pg.host} is {@code PGVAULT_PG_HOST}.
 *
 * <p>No value may keep the app from starting (under the Functions worker a failed start leaves every function
 * unloaded, without a word): numbers, durations, booleans and closed sets are therefore read here as text
 * ({@code Optional<String>} with its default: an empty app setting is empty, not a start failure) and parsed, with
 * the setting's name and a HINT, by {@link Settings} when they are used and by the preflight. Text settings are
 * read the same way ({@code fooSetting()}); their accessor {@code foo()} fails the use that finds one empty.
 */
@ConfigMapping(prefix = "pgvault")
public interface PgvaultConfig {

    /** Name of the backed-up server; the first path segment of every blob in the vault. */
    @WithName("server-name")
    Optional<String> serverNameSetting();

    /** {@link #serverNameSetting()}; empty or unset fails this use (not the app's start) naming the setting. */
    default String serverName() {
        return Settings.text("PGVAULT_SERVER_NAME", serverNameSetting());
    }

    /** How to reach the PostgreSQL server. */
    Pg pg();

    /** Where the server lives in Azure (for the matrix's placement rules). */
    Placement server();

    /** The vault: the storage account and container that hold the backups. */
    Vault vault();

    /** How backups are taken. */
    Backup backup();

    /** How restores are done. */
    Restore restore();

    /** Limits of the support matrix; the defaults are the matrix's own numbers. */
    Matrix matrix();

    /** How backups are verified. */
    Verify verify();

    /** Which backups are kept, and for how long. */
    Retention retention();

    /** The fleet's backup queue (pgvault-backups in AzureWebJobsStorage). */
    Queue queue();

    /** Job records. */
    Jobs jobs();

    /** The overdue watch (dead-man's switch): the {@code watchBackups} timer on {@code %WATCH_SCHEDULE%}. */
    Watch watch();

    /** The registry of protected servers. */
    Fleet fleet();

    /** Restore drills: the {@code restoreDrill} timer on {@code %DRILL_SCHEDULE%} and {@code bin/pgvault drill}. */
    Drill drill();

    /** Restore drills (docs/drills.md). */
    interface Drill {
        /** The server every drill restores into and drops again; never a protected server itself. */
        DrillServer server();
    }

    /**
     * The drill server: a PostgreSQL server pgvault restores the newest backup of each protected server into, checks,
     * and drops what it created. Logged in to like a registered server: {@code entra} or {@code password} by reference.
     */
    interface DrillServer {
        /** Host name or address of the drill server; empty: no drill server, drills are refused with a HINT. */
        Optional<String> host();

        /** TCP port of the drill server. */
        @WithDefault("5432")
        Optional<String> port();

        /** Login role on the drill server; it must be allowed to create databases (CREATEDB or the server admin). */
        @WithDefault("postgres")
        Optional<String> user();

        /** libpq sslmode for the drill server (a password or token travels to it). */
        @WithDefault("require")
        Optional<String> sslmode();

        /** {@code entra} (a token of the app's managed identity) or {@code password} (read from {@code password-ref}). */
        @WithDefault("entra")
        Optional<String> auth();

        /** With {@code auth=password}: {@code env:VAR} or a Key Vault secret URI, as in the registry; never the password. */
        Optional<String> passwordRef();
    }

    /** The registry of protected servers. */
    interface Fleet {
        /**
         * Hosts a registered server may name, comma-separated: exact names or addresses, or {@code *.domain}.
         * pgvault sends each registered server its credentials (the managed identity's Entra token or a Key Vault
         * password), so only hosts listed here are ever contacted. Azure's Flexible Servers by default.
         */
        @WithDefault("*.postgres.database.azure.com")
        Optional<String> allowedHosts();
    }

    /** The overdue watch. */
    interface Watch {
        /**
         * Days a protected server's newest committed backup may be old before the watch marks it {@code Overdue}
         * and logs a {@code pgvault.overdue} event (a weekly backup plus a day's grace). A server with no backup is
         * overdue this many days after the watch first saw it.
         */
        @WithDefault("8")
        Optional<String> overdueDays();
    }

    /** Job records in the vault ({@code <server>/.jobs/}). */
    interface Jobs {
        /**
         * Days a job record is kept after its last change; older ones are deleted when retention runs (after each
         * backup, or bin/pgvault prune). Each server's status document keeps its last backup, job and verify.
         */
        @WithDefault("400")
        Optional<String> retentionDays();
    }

    /** Connection to the PostgreSQL server. */
    interface Pg {
        /** Host name or address of the server. */
        @WithName("host")
        @WithDefault("localhost")
        Optional<String> hostSetting();

        default String host() {
            return Settings.text("PGVAULT_PG_HOST", hostSetting());
        }

        /** TCP port of the server. */
        @WithDefault("5432")
        Optional<String> port();

        /** Login role; in Azure the admin or the managed identity's Entra role name. */
        @WithName("user")
        @WithDefault("postgres")
        Optional<String> userSetting();

        default String user() {
            return Settings.text("PGVAULT_PG_USER", userSetting());
        }

        /** Password for {@code auth=password}; empty with Entra authentication. Never logged. */
        Optional<String> password();

        /** libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full. */
        @WithDefault("prefer")
        Optional<String> sslmode();

        /** Database used for inspection and pg_dumpall's connection. */
        @WithName("database")
        @WithDefault("postgres")
        Optional<String> databaseSetting();

        default String database() {
            return Settings.text("PGVAULT_PG_DATABASE", databaseSetting());
        }

        /**
         * How pgvault authenticates: {@code password} (the setting above, or a Key Vault reference to it)
         * or {@code entra} (a Microsoft Entra token of the app's managed identity used as the password).
         */
        @WithDefault("password")
        Optional<String> auth();

        /** Client id of the user-assigned managed identity used for Entra tokens (empty: system-assigned). */
        Optional<String> managedIdentityClientId();

        /** Directory holding pg_dump, pg_dumpall and pg_restore; empty: the newest found on this machine. */
        Optional<String> binDir();
    }

    /** Tenant, subscription and region of an Azure resource; empty values are unknown and not judged. */
    interface Placement {
        /** Microsoft Entra tenant id. */
        Optional<String> tenantId();

        /** Subscription id. */
        Optional<String> subscriptionId();

        /** Azure region name, such as {@code uksouth}. */
        Optional<String> region();

        /** The placement as the support matrix judges it (not a setting: the one mapping of these three). */
        default io.pgvault.matrix.Placement matrixPlacement() {
            return new io.pgvault.matrix.Placement(tenantId().orElse(null), subscriptionId().orElse(null),
                    region().orElse(null));
        }
    }

    /**
     * The vault storage account and container; its tenant, subscription and region ({@link Placement}) are the
     * storage account's.
     */
    interface Vault extends Placement {
        /** Connection string (local / Azurite). Takes precedence over the endpoint. Never logged. */
        Optional<String> connectionString();

        /** Blob endpoint, such as {@code https://acct.blob.core.windows.net}, used with managed identity. */
        Optional<String> endpoint();

        /** Container that holds the backups. */
        @WithName("container")
        @WithDefault("pgvault")
        Optional<String> containerSetting();

        default String container() {
            return Settings.text("PGVAULT_VAULT_CONTAINER", containerSetting());
        }

        /** Access tier of the backup blobs: Hot, Cool or Cold (Archive is refused by the matrix). */
        @WithDefault("Hot")
        Optional<String> accessTier();

        /** Client id of the user-assigned managed identity used for the vault (empty: default chain). */
        Optional<String> managedIdentityClientId();

        /**
         * Seconds of the blob lease a running backup holds on its week claim (renewed every third of it).
         * A killed run's slot is taken over once the lease lapsed and twice this time passed since the claim.
         * Azure allows 15 to 60.
         */
        @WithDefault("60")
        Optional<String> claimLeaseSeconds();

        /**
         * Days each committed backup's blobs are made immutable (version-level WORM time-based policy), counted
         * from the commit; 0 turns it off. Needs version-level immutability support on the vault container.
         */
        @WithDefault("0")
        Optional<String> immutabilityDays();

        /**
         * Mode of that policy: {@code Unlocked} (can still be shortened or removed by an administrator, for
         * testing the setup) or {@code Locked} (can only be extended: compliance WORM).
         */
        @WithDefault("Unlocked")
        Optional<String> immutabilityMode();

        /**
         * Attempts of each vault request, the first included, under the Azure SDK's exponential retry policy
         * before a storage outage fails the run; with the default delay, six attempts ride out about 30 seconds.
         */
        @WithDefault("6")
        Optional<String> retryMaxTries();

        /** First delay of that retry policy; each further delay doubles, up to 20 seconds. */
        @WithDefault("PT0.5S")
        Optional<String> retryDelay();
    }

    /** Backup settings. */
    interface Backup {
        /** How many databases are dumped at once; 0 means one per processor core. */
        @WithDefault("0")
        Optional<String> parallelism();

        /**
         * Compression of the dumps: {@code zstd} (pg_dump -Z0 streamed through zstd in pgvault, the default:
         * fastest), {@code gzip:N} (pg_dump's own gzip at level N), {@code none}.
         */
        @WithDefault("zstd")
        Optional<String> compression();

        /**
         * Size of the first block of each streamed upload, in bytes; later blocks grow with the stream
         * (vault/BlockSchedule: doubling every max-blocks/11 blocks up to 16 times this, then with every block up
         * to Azure's 4000 MiB).
         */
        @WithDefault("8388608")
        Optional<String> blockSizeBytes();

        /**
         * Most blocks one upload may use (Azure's ceiling, 50,000, is the default and the maximum). Block sizes
         * grow so a stream of up to ≈105.1 TiB fits in 50,000 blocks; a stream longer than the schedule holds
         * fails as soon as it outgrows it.
         */
        @WithDefault("50000")
        Optional<String> maxBlocks();

        /**
         * A database larger than this many bytes (pg_database_size) is dumped in parts from one exported snapshot,
         * several at once within {@code parallelism}: schema before and after the data, its largest tables' rows
         * spread over streams by size, the rest of the data in one more stream (docs/operations.md). 8 GiB by
         * default: below that one stream takes minutes, and a whole dump stays one file.
         */
        @WithDefault("8589934592")
        Optional<String> splitDatabaseBytes();

        /** Blocks each upload keeps in flight. */
        @WithDefault("4")
        Optional<String> blocksInFlight();

        /**
         * How long pg_dump waits for a table lock (pg_dump --lock-wait-timeout) before failing the backup,
         * instead of queueing behind a long ALTER TABLE forever.
         */
        @WithDefault("PT10M")
        Optional<String> lockWaitTimeout();

        /**
         * How long one backup may run: the function's timeout, host.json {@code functionTimeout} (1.00:00:00, 24
         * hours, as shipped), which pgvault cannot read at run time; change both together. The preflight warns
         * ({@code time-budget}) when a backup's estimated duration exceeds it or the 60 minutes Functions Premium
         * guarantees an execution.
         */
        @WithDefault("PT24H")
        Optional<String> timeBudget();

        /** Longest a single pg_dump may run before it is killed and the backup fails. */
        @WithDefault("PT12H")
        Optional<String> timeout();

        /**
         * Tables up to this size (pg_total_relation_size) get an exact {@code count(*)} in the dump's snapshot in the
         * manifest; larger ones the planner's estimate (reltuples), which a drill reports but does not fail on. Counting
         * reads the table once more (docs/drills.md measures it); 0: estimates only.
         */
        @WithDefault("1073741824")
        Optional<String> exactCountMaxBytes();
    }

    /** Restore settings. */
    interface Restore {
        /**
         * Blob endpoints a restore may write to besides {@code https://<account>.blob.core.windows.net};
         * locally the Azurite endpoint. Any other target URL is refused before a connection is made.
         */
        Optional<List<String>> allowedEndpoints();

        /**
         * Storage accounts (names) a restore may write to with the app's own identity, i.e. with a target URL
         * that carries no SAS. Any other account needs a SAS in the URL; the vault's account and the Functions
         * host's account (AzureWebJobsStorage) are never restore targets. Empty: every target needs a SAS.
         */
        Optional<List<String>> identityTargetAccounts();

        /**
         * Hosts a restore into a server ({@code targetServer}) may name although they are, or resolve to, a
         * private, loopback or link-local address: comma-separated exact names or addresses. Empty (the default):
         * such targets are refused, so a restore request cannot make pgvault reach into its own network. Locally
         * and in tests: 127.0.0.1,localhost.
         */
        Optional<String> privateServerHosts();

        /** Tenant, subscription and region assumed for restore targets whose placement is not given. */
        Optional<String> targetTenantId();

        /** Region assumed for restore targets. */
        Optional<String> targetRegion();

        /**
         * Largest file copied with synchronous Copy Blob From URL (Azure caps it at 256 MiB); larger files use
         * the asynchronous Copy Blob, which has no size cap.
         */
        @WithDefault("268435456")
        Optional<String> syncCopyMaxBytes();

        /** Longest one asynchronous server-side copy may take. */
        @WithDefault("PT6H")
        Optional<String> copyTimeout();

        /**
         * How every restored file is checked before a restore is Succeeded: {@code sha256} (the default) reads
         * each file back from the target and compares size and SHA-256 with the manifest — the backup's bytes
         * then pass through pgvault once, for the check only; {@code size} compares the size and the Content-MD5
         * property the service keeps, reading nothing.
         */
        @WithName("verify")
        @WithDefault("sha256")
        Optional<String> verifySetting();

        default String verify() {
            return Settings.text("PGVAULT_RESTORE_VERIFY", verifySetting());
        }
    }

    /** Support-matrix limits. */
    interface Matrix {
        /** Largest server a backup accepts: sum of pg_database_size of the included databases (1 TiB). */
        @WithDefault("1099511627776")
        Optional<String> maxServerSizeBytes();

        /** Largest single bytea value a backup accepts (500 MiB). */
        @WithDefault("524288000")
        Optional<String> maxByteaBytes();
    }

    /** Verify settings. */
    interface Verify {
        /**
         * Database a verify test-restores each dump into (created, restored with pg_restore, dropped) on the
         * backed-up server; empty: no test restore. pgvault only ever drops a database of this name that it
         * created itself (it carries pgvault's comment).
         */
        Optional<String> scratchDatabase();

        /**
         * Role a test restore runs as: it owns the scratch database and {@code pg_restore} logs in as it, so the
         * functions of a dump (a CHECK constraint's, an index expression's) never run with pgvault's privileges.
         * pgvault creates it NOLOGIN with no attributes and no memberships, marks it with a comment, gives it a
         * one-time password only while a test restore runs, and refuses a role of this name it did not create.
         */
        @WithName("scratch-role")
        @WithDefault("pgvault_scratch")
        Optional<String> scratchRoleSetting();

        default String scratchRole() {
            return Settings.text("PGVAULT_VERIFY_SCRATCH_ROLE", scratchRoleSetting());
        }
    }

    /**
     * Retention: a committed backup is kept while any rule keeps it. The newest committed backup, backups under
     * an immutability policy or legal hold, and everything while the newest backup failed verification are
     * never deleted.
     */
    interface Retention {
        /** Weekly rule: keep the backups of the last N ISO weeks (the current week counts); 13 ≈ 3 months. */
        @WithDefault("13")
        Optional<String> weeklyWeeks();

        /** Monthly rule: keep the first backup of each of the last M calendar months (UTC); 0: off. */
        @WithDefault("0")
        Optional<String> monthlyMonths();

        /** Yearly rule: keep the first backup of each of the last Y calendar years (UTC); 0: off. */
        @WithDefault("0")
        Optional<String> yearlyYears();

        /** Whether each successful backup run prunes what the rules no longer keep (else only bin/pgvault prune does). */
        @WithDefault("true")
        Optional<String> pruneAfterBackup();
    }

    /** How messages of the backup queue are retried (the Functions host does it in Azure; bin/pgvault fleet run locally). */
    interface Queue {
        /**
         * Attempts per message before it goes to pgvault-backups-poison; the last one records the job Failed. Must
         * equal host.json's extensions.queues.maxDequeueCount (InfraConsistencyTest checks).
         */
        @WithDefault("5")
        Optional<String> maxDequeueCount();

        /** bin/pgvault fleet run: how long a failed message waits before its next attempt (host.json's visibilityTimeout in Azure). */
        @WithDefault("PT5M")
        Optional<String> retryDelay();
    }
}
