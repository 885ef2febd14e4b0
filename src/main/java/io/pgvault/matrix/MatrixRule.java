package io.pgvault.matrix;

import java.util.Optional;

/**
 * Every rule {@link SupportMatrix} enforces: its stable id (used in messages, logs and tests), its severity and the
 * support-matrix line it enforces, quoted from the matrix (Microsoft Learn, "Support matrix for Azure Database for
 * PostgreSQL- Flexible Server", ms.date 04/11/2025) without its Markdown emphasis.
 */
public enum MatrixRule {
    /** Server size above the limit. */
    SERVER_SIZE("server-size", Severity.ERROR,
            "Vaulted backups are supported for server size <= 1 TB. If backup is configured on server size larger"
                    + " than 1 TB, the backup operation fails."),
    /** Every database of the server is excluded: nothing to back up. */
    NO_DATABASES("no-databases", Severity.ERROR,
            "Backups for PostgreSQL Flexible servers exclude databases owned by azuresu or azure_pg_admin,"
                    + " including the native PostgreSQL database. So, databases with these owners can't be backed up"
                    + " or restored."),
    /** The server is a replica. */
    PRIMARY_ONLY("primary-only", Severity.ERROR,
            "Vaulted backup isn't supported on replicas; backup can be configured only on primary servers."),
    /** This week's backup slot is taken. */
    ONE_BACKUP_PER_WEEK("one-backup-per-week", Severity.ERROR,
            "Only one weekly backup is currently supported. If multiple vaulted backups are scheduled in a week, only"
                    + " the first backup operation of the week is executed, and the subsequent backup jobs in the same"
                    + " week fail."),
    /** A bytea value above the limit. */
    BYTEA_LIMIT("bytea-limit", Severity.ERROR,
            "Vaulted backups don't support tables containing a row with BYTEA length exceeding 500 MB."),
    /** A backup type other than full. */
    FULL_ONLY("full-only", Severity.ERROR,
            "Vaulted backups support full backups only; incremental or differential backups aren't supported."),
    /** The vault tier is Archive (or not a tier pgvault can write). */
    NO_ARCHIVE_TIER("no-archive-tier", Severity.ERROR,
            "Vaulted backup doesn't support storage in archive tier."),
    /** Vault in another tenant or region than the server. */
    VAULT_PLACEMENT("vault-placement", Severity.ERROR,
            "Backups for the PostgreSQL server are supported when the Backup Vault is in the same or a different"
                    + " subscription as the database, provided they are within the same tenant and region."),
    /** pg_dump older than the server. Not a matrix line: a PostgreSQL constraint pgvault depends on. */
    TOOL_VERSION("tool-version", Severity.ERROR,
            "(not a matrix line; PostgreSQL pg_dump documentation) pg_dump cannot dump from PostgreSQL servers newer"
                    + " than its own major version; it will refuse to even try, rather than risk making an invalid"
                    + " dump."),
    /**
     * A role, database or tablespace name with a line break or another control character. Not a matrix line: the
     * restore kit reads names line by line, and such a name was used to inject SQL through it.
     */
    SAFE_NAMES("safe-names", Severity.ERROR,
            "(not a matrix line; pgvault) Role, database and tablespace names must not contain line breaks or other"
                    + " control characters: the roles dump and the restore kit carry them as lines of text."),
    /**
     * Tables, sequences, large objects or catalogs a backup must read and the login role cannot. Not a matrix line:
     * on Azure nobody is a superuser, and pg_dump would fail half-way through a backup.
     */
    DUMP_PRIVILEGES("dump-privileges", Severity.ERROR,
            "(not a matrix line; pgvault) The login role must be able to read everything pg_dump and pg_dumpall"
                    + " --globals-only read: every table and sequence (and their schemas), past row-level security,"
                    + " every large object, and the shared catalogs."),
    /** A region where the feature is only in preview. */
    REGION_AVAILABILITY("region-availability", Severity.WARNING,
            "Azure Database for PostgreSQL - Flexible server backup is generally available in the following regions:"
                    + " East Asia, Central India, Southeast Asia, UK South, and UK West. However, this feature is"
                    + " currently in preview for other regions."),
    /**
     * The estimated backup duration exceeds the function's timeout or the 60 minutes Functions Premium guarantees.
     * Not a matrix line: an Azure Functions limit (see {@link TimeBudget}).
     */
    TIME_BUDGET("time-budget", Severity.WARNING,
            "(not a matrix line; Azure Functions hosting) The timeout duration for functions in a function app is"
                    + " defined by the functionTimeout property in host.json; on the Premium plan an execution is"
                    + " guaranteed 60 minutes, beyond that the instance can be recycled (platform upgrades give a grace"
                    + " period, not a promise)."),
    /** A restore of specific databases. */
    NO_ITEM_LEVEL("no-item-level", Severity.ERROR,
            "For restore operation, item level recovery (recovery of specific databases) isn't supported."),
    /** Restore target in another tenant, or a region neither the vault's nor paired with it. */
    RESTORE_PLACEMENT("restore-placement", Severity.ERROR,
            "Restores are supported across regions (Azure Paired) and across subscriptions within the same tenant."),
    /** Backup files in the Archive tier. */
    RESTORE_SOURCE_ARCHIVED("restore-source-archived", Severity.ERROR,
            "Vaulted backup doesn't support storage in archive tier."),
    /**
     * A restore straight into a PostgreSQL server: allowed, and said to be pgvault's own (a NOTE). No matrix line:
     * the matrix restores only as files, so there is none to quote.
     */
    RESTORE_INTO_SERVER("restore-into-server", Severity.NOTE, "");

    private final String id;
    private final Severity severity;
    private final String matrixLine;

    MatrixRule(String id, Severity severity, String matrixLine) {
        this.id = id;
        this.severity = severity;
        this.matrixLine = matrixLine;
    }

    /** Stable rule id, e.g. {@code "bytea-limit"}. */
    public String id() {
        return id;
    }

    /** Severity of every violation of this rule. */
    public Severity severity() {
        return severity;
    }

    /** The support-matrix line this rule enforces. */
    public String matrixLine() {
        return matrixLine;
    }

    /** A violation of this rule. */
    public Violation violation(String problem, String evidence, String hint) {
        return new Violation(id, severity, matrixLine, problem, evidence, hint);
    }

    /** The rule with this id, if any. */
    public static Optional<MatrixRule> byId(String id) {
        for (MatrixRule r : values()) {
            if (r.id.equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
