package io.pgvault.matrix;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The support matrix of Azure Backup's vaulted backup for PostgreSQL Flexible Server, as rules over plain facts.
 *
 * <p>Every rule is evaluated on every call, never stopping at the first problem, so one run shows the user every
 * reason at once. Each violation carries a stable rule id ({@link MatrixRule}), the matrix line it enforces, the
 * evidence with real names and numbers, and a hint.
 *
 * <h2>Backup rules ({@link #judgeBackup})</h2>
 * <ul>
 *   <li>{@code server-size} (ERROR): the <em>server size</em> is the sum of {@code pg_database_size} over the
 *       databases that would be backed up ({@link DatabaseSelection#includedSizeBytes()}); above
 *       {@link MatrixPolicy#maxServerSizeBytes()} is refused, exactly at the limit is accepted.</li>
 *   <li>{@code no-databases} (ERROR): every database is excluded, so there is nothing to back up.</li>
 *   <li>{@code primary-only} (ERROR): the server is in recovery (a replica).</li>
 *   <li>{@code one-backup-per-week} (ERROR): this ISO week's slot is held by another backup.</li>
 *   <li>{@code bytea-limit} (ERROR): one violation per bytea column whose largest value exceeds
 *       {@link MatrixPolicy#maxByteaBytes()}; columns of excluded databases are not judged.</li>
 *   <li>{@code full-only} (ERROR): a backup type other than full.</li>
 *   <li>{@code no-archive-tier} (ERROR): the vault tier is Archive, or any tier other than Hot, Cool or Cold.</li>
 *   <li>{@code vault-placement} (ERROR): server and vault in different tenants, or in different regions (each only
 *       when both sides are known). A different subscription is fine.</li>
 *   <li>{@code tool-version} (ERROR): pg_dump's major version is older than the server's.</li>
 *   <li>{@code safe-names} (ERROR): one violation per role, database or tablespace whose name holds a line break or
 *       another control character ({@link SafeNames}); every database counts, excluded ones too.</li>
 *   <li>{@code dump-privileges} (ERROR): one violation per database and kind of object the login role cannot read
 *       but the backup must: tables and sequences (or their schemas), tables with row-level security, large
 *       objects, databases without CONNECT, and the catalogs of the roles dump ({@link DumpPrivileges}).</li>
 *   <li>{@code time-budget} (WARNING): the estimated duration exceeds the function timeout or Premium's 60
 *   minutes (see {@link TimeBudget}).</li>
 *   <li>{@code region-availability} (WARNING): server or vault in a region where the matrix says the feature is in
 *       preview.</li>
 * </ul>
 * Databases owned by {@code azuresu} or {@code azure_pg_admin}, templates, and databases that refuse connections are
 * not violations: they are listed in the verdict's {@link DatabaseSelection#excluded() exclusions}.
 *
 * <h2>Restore rules ({@link #judgeRestore})</h2>
 * <ul>
 *   <li>{@code no-item-level} (ERROR): specific databases requested.</li>
 *   <li>{@code restore-placement} (ERROR): target in another tenant than the vault, or in a region that is neither
 *       the vault's region nor paired with it ({@link RegionPairs}). Another subscription is fine.</li>
 *   <li>{@code restore-source-archived} (ERROR): backup files in the Archive tier.</li>
 *   <li>{@code region-availability} (WARNING): target region in preview.</li>
 *   <li>{@code restore-into-server} (NOTE): a restore straight into a server, pgvault's extension beyond the
 *       matrix (which restores only as files); never refuses.</li>
 * </ul>
 *
 * <h2>The weekly slot: design decision</h2>
 * The matrix says the first backup of a week runs and later ones fail. pgvault reads this as "one <em>successful</em>
 * backup per week": only a running or committed backup holds the week's slot. A FAILED attempt releases its slot
 * (the vault layer deletes the claim on failure), so a retry in the same week is allowed; otherwise one transient
 * failure would leave a server without any backup for a week. The slot is checked before the new backup claims it,
 * so any holder is another backup.
 */
public final class SupportMatrix {

    /** Access tiers a backup may be written with. */
    public static final List<String> WRITABLE_TIERS = List.of("Hot", "Cool", "Cold");

    private static final String TEMPLATE_REASON = "template database";
    private static final String NO_CONNECTIONS_REASON = "does not allow connections";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final MatrixPolicy policy;
    private final RegionPairs regionPairs;
    private final RegionAvailability availability;

    /** A matrix with the given limits, the standard region pairs and the matrix's GA regions. */
    public SupportMatrix(MatrixPolicy policy) {
        this(policy, RegionPairs.standard(), RegionAvailability.standard());
    }

    /** A matrix with the given limits, region pairs and GA regions. */
    public SupportMatrix(MatrixPolicy policy, RegionPairs regionPairs, RegionAvailability availability) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.regionPairs = Objects.requireNonNull(regionPairs, "regionPairs");
        this.availability = Objects.requireNonNull(availability, "availability");
    }

    /** The limits in force. */
    public MatrixPolicy policy() {
        return policy;
    }

    /**
     * Splits the server's databases into those a backup takes and those it leaves out, both ordered by name.
     * Excluded, with the first reason that applies: {@code template0}/{@code template1} ("template database"),
     * databases with {@code datallowconn = false} ("does not allow connections"; pg_dump could not connect), and
     * databases owned by {@code azuresu} or {@code azure_pg_admin} (the matrix's exclusion, quoted in the reason).
     */
    public static DatabaseSelection selectDatabases(List<DatabaseFacts> all) {
        List<DatabaseFacts> sorted = all == null ? List.of()
                : all.stream().sorted(Comparator.comparing(DatabaseFacts::name)).toList();
        List<DatabaseFacts> included = new ArrayList<>();
        List<Exclusion> excluded = new ArrayList<>();
        for (DatabaseFacts db : sorted) {
            String reason = exclusionReason(db);
            if (reason == null) {
                included.add(db);
            } else {
                excluded.add(new Exclusion(db.name(), db.owner(), reason));
            }
        }
        return new DatabaseSelection(included, excluded);
    }

    private static String exclusionReason(DatabaseFacts db) {
        if (MatrixPolicy.TEMPLATE_DATABASES.contains(db.name())) {
            return TEMPLATE_REASON;
        }
        if (!db.allowConnections()) {
            return NO_CONNECTIONS_REASON;
        }
        if (db.owner() != null && MatrixPolicy.EXCLUDED_OWNERS.contains(db.owner())) {
            return "owned by " + db.owner()
                    + ": the support matrix excludes databases owned by azuresu or azure_pg_admin";
        }
        return null;
    }

    /** Judges a backup request against every backup rule; see the class comment. */
    public Verdict judgeBackup(BackupFacts f) {
        Objects.requireNonNull(f, "facts");
        ServerFacts server = f.server();
        DatabaseSelection selection = selectDatabases(server.databases());
        List<Violation> found = new ArrayList<>();
        checkServerSize(selection, found);
        checkHasDatabases(server, selection, found);
        checkPrimary(server, found);
        checkWeekSlot(f.weekSlot(), found);
        checkBytea(server, selection, found);
        checkFullOnly(f.type(), found);
        checkAccessTier(f.vault(), found);
        checkVaultPlacement(server.placement(), f.vault().placement(), found);
        checkToolVersion(f.tools(), server, found);
        SafeNames.check(server, found);
        DumpPrivileges.check(server, found);
        Map<String, String> regions = new LinkedHashMap<>();
        regions.put("server", server.placement().region());
        regions.put("vault", f.vault().placement().region());
        checkRegionAvailability(regions, found);
        TimeBudget.check(selection, f.timeBudget(), found);
        return new Verdict(found, selection);
    }

    /** Judges a restore request against every restore rule; see the class comment. */
    public Verdict judgeRestore(RestoreFacts f) {
        Objects.requireNonNull(f, "facts");
        List<Violation> found = new ArrayList<>();
        checkWholeBackup(f, found);
        checkRestorePlacement(f, found);
        checkNotArchived(f, found);
        Map<String, String> regions = new LinkedHashMap<>();
        regions.put("restore target", f.target().region());
        checkRegionAvailability(regions, found);
        noteIntoServer(f, found);
        return new Verdict(found, DatabaseSelection.empty());
    }

    // ---- backup rules ------------------------------------------------------------------------------------------

    private void checkServerSize(DatabaseSelection selection, List<Violation> found) {
        long total = selection.includedSizeBytes();
        if (total <= policy.maxServerSizeBytes()) {
            return;
        }
        String largest = selection.included().stream()
                .sorted(Comparator.comparingLong(DatabaseFacts::sizeBytes).reversed()
                        .thenComparing(DatabaseFacts::name))
                .limit(3)
                .map(db -> db.name() + " " + ByteSizes.humanAndExact(db.sizeBytes()))
                .collect(Collectors.joining(", "));
        found.add(MatrixRule.SERVER_SIZE.violation(
                "server size " + ByteSizes.human(total) + " exceeds the limit of "
                        + ByteSizes.human(policy.maxServerSizeBytes()),
                "included databases total " + ByteSizes.humanAndExact(total) + " over "
                        + selection.included().size() + " database(s); limit "
                        + ByteSizes.humanAndExact(policy.maxServerSizeBytes()) + "; largest: " + largest,
                "Bring the databases that would be backed up under "
                        + ByteSizes.human(policy.maxServerSizeBytes())
                        + " in total (sum of pg_database_size): drop or move data out of the largest databases,"
                        + " or move databases to another server and back that up separately."));
    }

    private static void checkHasDatabases(ServerFacts server, DatabaseSelection selection, List<Violation> found) {
        if (!selection.included().isEmpty()) {
            return;
        }
        String excluded = selection.excluded().isEmpty() ? "the server reports no databases at all"
                : selection.excluded().stream().map(e -> e.database() + " (" + shortReason(e) + ")")
                        .collect(Collectors.joining(", "));
        found.add(MatrixRule.NO_DATABASES.violation(
                "nothing to back up: server " + server.serverName() + " has no database a backup would include",
                "excluded: " + excluded,
                "The server holds only excluded databases (templates, databases that do not allow connections, or"
                        + " databases owned by azuresu or azure_pg_admin). Create the application databases under"
                        + " a role of your own (CREATE DATABASE app OWNER app_owner) and back up again."));
    }

    private static String shortReason(Exclusion e) {
        int colon = e.reason().indexOf(':');
        return colon < 0 ? e.reason() : e.reason().substring(0, colon);
    }

    private static void checkPrimary(ServerFacts server, List<Violation> found) {
        if (!server.inRecovery()) {
            return;
        }
        found.add(MatrixRule.PRIMARY_ONLY.violation(
                "server " + server.serverName() + " is a replica",
                "pg_is_in_recovery() returned true on " + server.serverName() + " (PostgreSQL "
                        + server.serverVersion() + ")",
                "Back up the primary server instead: point PGVAULT_PG_HOST at the primary, not at a read replica."
                        + " A promoted replica is a primary and can be backed up."));
    }

    private static void checkWeekSlot(WeekSlot slot, List<Violation> found) {
        if (slot == null || !slot.held()) {
            return;
        }
        Instant next = slot.nextWeekStart();
        String claimed = slot.claimedAt() == null ? "at an unknown time" : "at " + slot.claimedAt();
        found.add(MatrixRule.ONE_BACKUP_PER_WEEK.violation(
                "week " + slot.isoWeek() + " already has its backup",
                "the " + slot.isoWeek() + " slot is held by backup " + slot.holderBackupId() + ", which claimed it "
                        + claimed,
                "The next weekly slot opens on Monday " + DAY.format(next) + " 00:00 UTC (week "
                        + WeekSlot.isoWeekOf(next) + "). If backup " + slot.holderBackupId()
                        + " is wrong (stuck, or failed without releasing its claim), mark it failed or delete it to"
                        + " free this week's slot."));
    }

    private void checkBytea(ServerFacts server, DatabaseSelection selection, List<Violation> found) {
        // Columns of excluded databases are never dumped, so they cannot break the backup.
        Set<String> excluded = Set.copyOf(selection.excludedNames());
        server.byteaColumns().stream()
                .filter(c -> !excluded.contains(c.database()))
                .filter(c -> c.maxValueBytes() > policy.maxByteaBytes())
                .sorted(Comparator.comparing(ByteaFacts::qualifiedName))
                .forEach(c -> found.add(MatrixRule.BYTEA_LIMIT.violation(
                        "column " + c.qualifiedName() + " holds a bytea value larger than "
                                + ByteSizes.human(policy.maxByteaBytes()),
                        "largest value in " + c.qualifiedName() + ": " + ByteSizes.humanAndExact(c.maxValueBytes())
                                + "; limit " + ByteSizes.humanAndExact(policy.maxByteaBytes()),
                        "Shrink or move the values above the limit (for example into Blob Storage, keeping a"
                                + " reference in the row). Find them in database " + c.database() + " with: SELECT ctid,"
                                + " octet_length(" + ident(c.column()) + ") FROM " + ident(c.schema()) + "."
                                + ident(c.table()) + " WHERE octet_length(" + ident(c.column()) + ") > "
                                + policy.maxByteaBytes())));
    }

    /** Quotes an SQL identifier, for hints that are pasted into psql. */
    private static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static void checkFullOnly(BackupType type, List<Violation> found) {
        if (type == BackupType.FULL) {
            return;
        }
        String name = type.name().toLowerCase(Locale.ROOT);
        found.add(MatrixRule.FULL_ONLY.violation(
                name + " backups are not supported",
                "requested backup type: " + name,
                "pgvault takes full backups only; drop --type or use --type full."));
    }

    private static void checkAccessTier(VaultFacts vault, List<Violation> found) {
        String tier = vault.accessTier();
        if (Placement.isBlank(tier)) {
            return; // the account default tier is Hot, Cool or Cold: Azure never allows Archive as a default
        }
        String allowed = String.join(", ", WRITABLE_TIERS);
        if (tier.trim().equalsIgnoreCase("Archive")) {
            found.add(MatrixRule.NO_ARCHIVE_TIER.violation(
                    "the vault's access tier is Archive",
                    "vault access tier: " + tier,
                    "Write backups to one of " + allowed + " (PGVAULT_VAULT_ACCESS_TIER). Archive blobs cannot be"
                            + " read until rehydrated, which takes hours, so a restore could not start."));
        } else if (WRITABLE_TIERS.stream().noneMatch(t -> t.equalsIgnoreCase(tier.trim()))) {
            found.add(MatrixRule.NO_ARCHIVE_TIER.violation(
                    "the vault's access tier '" + tier + "' is not one pgvault writes backups to",
                    "vault access tier: " + tier,
                    "Use one of the allowed tiers: " + allowed + " (PGVAULT_VAULT_ACCESS_TIER)."));
        }
    }

    private static void checkVaultPlacement(Placement server, Placement vault, List<Violation> found) {
        if (server.tenantDiffersFrom(vault)) {
            found.add(MatrixRule.VAULT_PLACEMENT.violation(
                    "the vault is in another Microsoft Entra tenant than the server",
                    "server tenant " + server.tenantId() + "; vault tenant " + vault.tenantId(),
                    "Use a vault storage account in the server's tenant " + server.tenantId()
                            + "; a different subscription in that tenant is fine."));
        }
        if (server.regionDiffersFrom(vault)) {
            found.add(MatrixRule.VAULT_PLACEMENT.violation(
                    "the vault is in another region than the server",
                    "server region " + server.normalizedRegion() + "; vault region " + vault.normalizedRegion(),
                    "Use a vault storage account in " + server.normalizedRegion()
                            + " (PGVAULT_VAULT_REGION names the vault's region). Paired regions are for restores,"
                            + " not backups."));
        }
    }

    private static void checkToolVersion(ToolFacts tools, ServerFacts server, List<Violation> found) {
        if (tools.pgDumpMajor() >= server.serverMajor()) {
            return;
        }
        String hint = "Install pg_dump " + server.serverMajor() + " or newer (e.g. the postgresql-client-"
                + server.serverMajor() + " package) and point PGVAULT_PG_BIN_DIR at its bin directory; a newer"
                + " pg_dump dumps older servers.";
        if (tools.pgDumpMajor() <= 0) {
            found.add(MatrixRule.TOOL_VERSION.violation(
                    "the pg_dump version is unknown, so it cannot be shown to handle PostgreSQL "
                            + server.serverVersion(),
                    "pg_dump version '" + tools.pgDumpVersion() + "'; server " + server.serverName()
                            + " runs PostgreSQL " + server.serverVersion() + " (major " + server.serverMajor() + ")",
                    hint));
            return;
        }
        found.add(MatrixRule.TOOL_VERSION.violation(
                "pg_dump " + tools.pgDumpVersion() + " is older than the server's PostgreSQL "
                        + server.serverVersion(),
                "pg_dump major " + tools.pgDumpMajor() + " < server major " + server.serverMajor() + " (server "
                        + server.serverName() + ")",
                hint));
    }

    /** One warning per distinct preview region, naming every role (server, vault, restore target) placed there. */
    private void checkRegionAvailability(Map<String, String> regionByRole, List<Violation> found) {
        Map<String, List<String>> rolesByRegion = new LinkedHashMap<>();
        regionByRole.forEach((role, region) -> {
            String n = Placement.normalizeRegion(region);
            if (n != null && !availability.isGenerallyAvailable(n)) {
                rolesByRegion.computeIfAbsent(n, k -> new ArrayList<>()).add(role);
            }
        });
        String ga = String.join(", ", availability.generallyAvailable());
        rolesByRegion.forEach((region, roles) -> found.add(MatrixRule.REGION_AVAILABILITY.violation(
                "region " + region + " is a preview region for PostgreSQL Flexible Server vaulted backup",
                String.join(" and ", roles) + " region: " + region + "; generally available: " + ga,
                "This runs, but Azure Backup offers it only as a preview in " + region + ". For a generally available"
                        + " setup use East Asia, Central India, Southeast Asia, UK South or UK West.")));
    }

    // ---- restore rules -----------------------------------------------------------------------------------------

    private static void checkWholeBackup(RestoreFacts f, List<Violation> found) {
        if (f.requestedDatabases().isEmpty()) {
            return;
        }
        found.add(MatrixRule.NO_ITEM_LEVEL.violation(
                "restoring specific databases is not supported",
                "backup " + f.backupId() + "; requested databases: " + String.join(", ", f.requestedDatabases()),
                "Restore the whole backup (request no databases), then pg_restore only the database you need from"
                        + " its file among the restored files."));
    }

    /** A restore into a server is judged by the same rules; the note says it goes beyond the matrix. */
    private static void noteIntoServer(RestoreFacts f, List<Violation> found) {
        if (!f.intoServer()) {
            return;
        }
        found.add(MatrixRule.RESTORE_INTO_SERVER.violation(
                "restoring into a PostgreSQL server is pgvault's extension beyond the support matrix",
                "backup " + f.backupId() + " is restored straight into a server (targetServer)",
                "Nothing to fix: the matrix's restore rules (whole backup, placement, no archived files) still apply;"
                        + " to stay within the matrix, restore as files (targetContainerUrl) and run restore.sh."));
    }

    private void checkRestorePlacement(RestoreFacts f, List<Violation> found) {
        Placement vault = f.vault();
        Placement target = f.target();
        if (target.tenantDiffersFrom(vault)) {
            found.add(MatrixRule.RESTORE_PLACEMENT.violation(
                    "the restore target is in another Microsoft Entra tenant than the vault",
                    "backup " + f.backupId() + "; vault tenant " + vault.tenantId() + "; target tenant "
                            + target.tenantId(),
                    "Restore to a storage container in the vault's tenant " + vault.tenantId()
                            + "; another subscription of that tenant is fine."));
        }
        if (target.regionKnown() && vault.regionKnown()
                && !regionPairs.sameOrPaired(vault.region(), target.region())) {
            String vaultRegion = vault.normalizedRegion();
            Set<String> pairs = regionPairs.pairedWith(vaultRegion);
            String pairText = pairs.isEmpty() ? vaultRegion + " has no Azure paired region"
                    : vaultRegion + " is paired with " + String.join(", ", pairs);
            String allowed = pairs.isEmpty() ? vaultRegion + " (it has no paired region)"
                    : vaultRegion + " or its paired region " + String.join(" or ", pairs);
            found.add(MatrixRule.RESTORE_PLACEMENT.violation(
                    "the restore target region is neither the vault's region nor paired with it",
                    "backup " + f.backupId() + "; vault region " + vaultRegion + "; target region "
                            + target.normalizedRegion() + "; " + pairText,
                    "Restore to a storage container in " + allowed + "."));
        }
    }

    private static void checkNotArchived(RestoreFacts f, List<Violation> found) {
        if (f.archivedFiles().isEmpty()) {
            return;
        }
        found.add(MatrixRule.RESTORE_SOURCE_ARCHIVED.violation(
                f.archivedFiles().size() + " file(s) of backup " + f.backupId() + " are in the Archive tier",
                "archived: " + String.join(", ", f.archivedFiles()),
                "Rehydrate them to Hot or Cool (Set Blob Tier with a rehydrate priority, e.g. az storage blob"
                        + " set-tier --tier Hot --rehydrate-priority High), wait until rehydration completes, then retry"
                        + " the restore."));
    }
}
