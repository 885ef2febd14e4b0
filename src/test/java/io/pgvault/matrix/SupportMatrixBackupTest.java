package io.pgvault.matrix;

import static io.pgvault.matrix.Facts.GIB;
import static io.pgvault.matrix.Facts.MIB;
import static io.pgvault.matrix.Facts.OTHER_TENANT;
import static io.pgvault.matrix.Facts.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** One test per backup rule: the violating side, and the passing side (a limit exactly reached passes). */
class SupportMatrixBackupTest {

    private static final long TIB = 1L << 40;

    private final SupportMatrix matrix = new SupportMatrix(MatrixPolicy.defaults());

    private Verdict judge(Facts f) {
        return matrix.judgeBackup(f.build());
    }

    private static Violation only(Verdict v, String ruleId) {
        List<Violation> found = v.violationsOf(ruleId);
        assertEquals(1, found.size(), () -> "expected exactly one " + ruleId + " in:\n" + v.renderTable());
        return found.get(0);
    }

    @Test
    void baselineBreaksNoRule() {
        Verdict v = judge(Facts.backup());
        assertTrue(v.violations().isEmpty(), v::renderTable);
        assertTrue(v.allowed());
        assertEquals(List.of("app"), v.selection().includedNames());
    }

    @Test
    void policyDefaultsAreTheMatrixNumbers() {
        assertEquals(1099511627776L, MatrixPolicy.defaults().maxServerSizeBytes());
        assertEquals(524288000L, MatrixPolicy.defaults().maxByteaBytes());
    }

    // 1. server-size ---------------------------------------------------------------------------------------------

    @Test
    void serverSizeExactlyAtLimitPasses() {
        Facts f = Facts.backup();
        f.databases.set(0, new DatabaseFacts("app", "app_owner", true, TIB - 2 * GIB));
        f.databases.add(new DatabaseFacts("logs", "app_owner", true, 2 * GIB));
        assertFalse(judge(f).violates("server-size"));
    }

    @Test
    void serverSizeOneByteOverLimitFailsWithTotalLimitAndLargestThree() {
        Facts f = Facts.backup();
        f.databases.set(0, new DatabaseFacts("app", "app_owner", true, 600 * GIB));
        f.databases.add(new DatabaseFacts("logs", "app_owner", true, 300 * GIB));
        f.databases.add(new DatabaseFacts("events", "app_owner", true, 124 * GIB));
        f.databases.add(new DatabaseFacts("tiny", "app_owner", true, 1));
        // 600 + 300 + 124 GiB = 1 TiB exactly; tiny adds the one byte too many.
        Verdict v = judge(f);
        Violation s = only(v, "server-size");
        assertEquals(Severity.ERROR, s.severity());
        assertTrue(s.evidence().contains("(1099511627777 bytes)"), s.evidence());
        assertTrue(s.evidence().contains("limit 1.0 TiB (1099511627776 bytes)"), s.evidence());
        assertTrue(s.evidence().contains("largest: app 600.0 GiB (644245094400 bytes), logs 300.0 GiB"
                + " (322122547200 bytes), events 124.0 GiB"), s.evidence());
        assertFalse(s.evidence().contains("tiny"), "only the three largest are named");
        assertTrue(s.matrixLine().contains("<= 1 TB"));
        assertFalse(v.allowed());
    }

    @Test
    void serverSizeCountsOnlyIncludedDatabases() {
        Facts f = Facts.backup();
        f.databases.set(0, new DatabaseFacts("app", "app_owner", true, TIB));
        // Excluded: owned by azure_pg_admin, so its size is not part of the server size.
        f.databases.add(new DatabaseFacts("azure_sys", "azure_pg_admin", true, 5 * GIB));
        assertFalse(judge(f).violates("server-size"));
    }

    @Test
    void serverSizeHonoursACustomPolicy() {
        SupportMatrix small = new SupportMatrix(new MatrixPolicy(5 * GIB, 1 * MIB));
        Verdict v = small.judgeBackup(Facts.backup().build()); // app is 10 GiB, data column 10 MiB
        assertTrue(v.violates("server-size"));
        assertTrue(v.violates("bytea-limit"));
    }

    // 2. primary-only --------------------------------------------------------------------------------------------

    @Test
    void replicaIsRefused() {
        Facts f = Facts.backup();
        f.inRecovery = true;
        Violation p = only(judge(f), "primary-only");
        assertEquals(Severity.ERROR, p.severity());
        assertTrue(p.evidence().contains("pg_is_in_recovery() returned true on pg-prod"), p.evidence());
        assertTrue(p.hint().contains("primary"), p.hint());
    }

    @Test
    void primaryPasses() {
        Facts f = Facts.backup();
        f.inRecovery = false;
        assertFalse(judge(f).violates("primary-only"));
    }

    // 3. owner exclusion is not a violation ----------------------------------------------------------------------

    @Test
    void excludedOwnersAreListedNotViolated() {
        Verdict v = judge(Facts.backup());
        assertTrue(v.violations().isEmpty(), v::renderTable);
        assertEquals(List.of("azure_maintenance", "postgres", "template0", "template1"),
                v.selection().excludedNames());
    }

    // 4. one-backup-per-week -------------------------------------------------------------------------------------

    @Test
    void heldWeekSlotIsRefusedWithHolderDateAndNextMonday() {
        Facts f = Facts.backup();
        f.weekSlot = new WeekSlot("2026-W48", "20261123T020000Z-a1b2", Instant.parse("2026-11-23T02:00:00Z"));
        Violation w = only(judge(f), "one-backup-per-week");
        assertEquals(Severity.ERROR, w.severity());
        assertTrue(w.evidence().contains("2026-W48"), w.evidence());
        assertTrue(w.evidence().contains("20261123T020000Z-a1b2"), w.evidence());
        assertTrue(w.evidence().contains("2026-11-23T02:00:00Z"), w.evidence());
        assertTrue(w.hint().contains("Monday 2026-11-30 00:00 UTC (week 2026-W49)"), w.hint());
    }

    @Test
    void freeWeekSlotPasses() {
        Facts f = Facts.backup();
        f.weekSlot = WeekSlot.free("2026-W48");
        assertFalse(judge(f).violates("one-backup-per-week"));
    }

    @Test
    void uninspectedWeekSlotPasses() {
        Facts f = Facts.backup();
        f.weekSlot = null;
        assertFalse(judge(f).violates("one-backup-per-week"));
    }

    // 5. bytea-limit ---------------------------------------------------------------------------------------------

    @Test
    void byteaExactlyAtLimitPasses() {
        Facts f = Facts.backup();
        f.bytea.add(new ByteaFacts("app", "public", "files", "thumb", 524288000L));
        assertFalse(judge(f).violates("bytea-limit"));
    }

    @Test
    void oneViolationPerOversizedByteaColumn() {
        Facts f = Facts.backup();
        f.bytea.add(new ByteaFacts("app", "public", "files", "blob", 524288001L));
        f.bytea.add(new ByteaFacts("app", "media", "videos", "raw", 600 * MIB));
        Verdict v = judge(f);
        List<Violation> b = v.violationsOf("bytea-limit");
        assertEquals(2, b.size(), v::renderTable);
        assertTrue(b.get(0).problem().contains("app.media.videos.raw"), b.get(0).problem());
        assertTrue(b.get(0).evidence().contains("600.0 MiB (629145600 bytes)"), b.get(0).evidence());
        assertTrue(b.get(1).problem().contains("app.public.files.blob"), b.get(1).problem());
        assertTrue(b.get(1).evidence().contains("524288001 bytes"), b.get(1).evidence());
        assertTrue(b.get(1).hint().contains("WHERE octet_length(\"blob\") > 524288000"), b.get(1).hint());
    }

    @Test
    void byteaOfExcludedDatabaseIsNotJudged() {
        Facts f = Facts.backup();
        f.bytea.add(new ByteaFacts("postgres", "public", "big", "data", 900 * MIB));
        assertFalse(judge(f).violates("bytea-limit"));
    }

    // 6. full-only -----------------------------------------------------------------------------------------------

    @Test
    void incrementalAndDifferentialAreRefused() {
        for (BackupType t : List.of(BackupType.INCREMENTAL, BackupType.DIFFERENTIAL)) {
            Facts f = Facts.backup();
            f.type = t;
            Violation v = only(judge(f), "full-only");
            assertTrue(v.evidence().contains(t.name().toLowerCase()), v.evidence());
            assertTrue(v.hint().contains("full backups only"), v.hint());
        }
    }

    @Test
    void fullPasses() {
        Facts f = Facts.backup();
        f.type = BackupType.FULL;
        assertFalse(judge(f).violates("full-only"));
    }

    // 7. no-archive-tier -----------------------------------------------------------------------------------------

    @Test
    void archiveTierIsRefusedCaseInsensitively() {
        Facts f = Facts.backup();
        f.accessTier = "archive";
        Violation v = only(judge(f), "no-archive-tier");
        assertTrue(v.problem().contains("Archive"), v.problem());
        assertTrue(v.hint().contains("Hot, Cool, Cold"), v.hint());
    }

    @Test
    void unknownTierIsRefusedWithAllowedList() {
        Facts f = Facts.backup();
        f.accessTier = "Premium";
        Violation v = only(judge(f), "no-archive-tier");
        assertTrue(v.problem().contains("'Premium'"), v.problem());
        assertTrue(v.hint().contains("Hot, Cool, Cold"), v.hint());
    }

    @Test
    void hotCoolColdAndAccountDefaultPass() {
        for (String tier : new String[] {"Hot", "cool", "COLD", null, " "}) {
            Facts f = Facts.backup();
            f.accessTier = tier;
            assertFalse(judge(f).violates("no-archive-tier"), "tier " + tier);
        }
    }

    // 8. vault-placement -----------------------------------------------------------------------------------------

    @Test
    void vaultInOtherTenantIsRefused() {
        Facts f = Facts.backup();
        f.vaultPlacement = new Placement(OTHER_TENANT, "sub-b", "uksouth");
        Violation v = only(judge(f), "vault-placement");
        assertTrue(v.evidence().contains(TENANT) && v.evidence().contains(OTHER_TENANT), v.evidence());
    }

    @Test
    void vaultInOtherRegionIsRefusedEvenIfPaired() {
        Facts f = Facts.backup();
        f.vaultPlacement = new Placement(TENANT, "sub-b", "ukwest");
        Violation v = only(judge(f), "vault-placement");
        assertTrue(v.evidence().contains("server region uksouth; vault region ukwest"), v.evidence());
    }

    @Test
    void tenantAndRegionMismatchAreTwoViolations() {
        Facts f = Facts.backup();
        f.vaultPlacement = new Placement(OTHER_TENANT, "sub-b", "ukwest");
        assertEquals(2, judge(f).violationsOf("vault-placement").size());
    }

    @Test
    void otherSubscriptionSameTenantAndRegionPasses() {
        Facts f = Facts.backup();
        f.serverPlacement = new Placement(TENANT.toUpperCase(), "sub-a", "UK South");
        f.vaultPlacement = new Placement(TENANT, "sub-zzz", "uksouth");
        assertFalse(judge(f).violates("vault-placement"));
    }

    @Test
    void unknownPlacementIsNotJudged() {
        Facts f = Facts.backup();
        f.vaultPlacement = Placement.unknown();
        f.serverPlacement = new Placement(" ", null, "");
        assertFalse(judge(f).violates("vault-placement"));
    }

    // 9. tool-version --------------------------------------------------------------------------------------------

    @Test
    void olderPgDumpIsRefusedNamingBothVersions() {
        Facts f = Facts.backup();
        f.pgDumpVersion = "15.8";
        f.pgDumpMajor = 15;
        Violation v = only(judge(f), "tool-version");
        assertTrue(v.problem().contains("pg_dump 15.8") && v.problem().contains("PostgreSQL 16.4"), v.problem());
        assertTrue(v.evidence().contains("pg_dump major 15 < server major 16"), v.evidence());
        assertTrue(v.hint().contains("pg_dump 16 or newer"), v.hint());
    }

    @Test
    void unknownPgDumpVersionIsRefused() {
        Facts f = Facts.backup();
        f.pgDumpVersion = "garbage";
        f.pgDumpMajor = 0;
        Violation v = only(judge(f), "tool-version");
        assertTrue(v.problem().contains("unknown"), v.problem());
    }

    @Test
    void sameOrNewerPgDumpPasses() {
        Facts same = Facts.backup();
        same.pgDumpMajor = 16;
        assertFalse(judge(same).violates("tool-version"));
        Facts newer = Facts.backup();
        newer.pgDumpMajor = 17;
        assertFalse(judge(newer).violates("tool-version"));
    }

    // 10. region-availability ------------------------------------------------------------------------------------

    @Test
    void previewRegionIsAWarningNotAnError() {
        Facts f = Facts.backup();
        f.serverPlacement = new Placement(TENANT, "sub-a", "East US");
        f.vaultPlacement = new Placement(TENANT, "sub-a", "eastus");
        Verdict v = judge(f);
        Violation w = only(v, "region-availability"); // same region for both: one warning naming both roles
        assertEquals(Severity.WARNING, w.severity());
        assertTrue(w.evidence().contains("server and vault region: eastus"), w.evidence());
        assertTrue(v.allowed(), "warnings alone do not refuse");
        assertEquals(List.of(w), v.warnings());
    }

    @Test
    void previewVaultRegionAloneIsWarned() {
        Facts f = Facts.backup();
        f.vaultPlacement = new Placement(TENANT, "sub-a", "westeurope");
        Verdict v = judge(f);
        Violation w = only(v, "region-availability");
        assertTrue(w.evidence().startsWith("vault region: westeurope"), w.evidence());
    }

    @Test
    void gaRegionsAndUnknownRegionsAreNotWarned() {
        for (String region : new String[] {"East Asia", "centralindia", "Southeast Asia", "UK South", "ukwest", null}) {
            Facts f = Facts.backup();
            f.serverPlacement = new Placement(TENANT, "s", region);
            f.vaultPlacement = new Placement(TENANT, "s", region);
            assertFalse(judge(f).violates("region-availability"), "region " + region);
        }
    }

    // 11. no-databases -------------------------------------------------------------------------------------------

    @Test
    void serverWithOnlyExcludedDatabasesIsRefused() {
        Facts f = Facts.backup();
        f.databases.remove(0); // drop "app"; the rest are templates and Azure-owned
        Violation v = only(judge(f), "no-databases");
        assertTrue(v.evidence().contains("postgres (owned by azure_pg_admin)"), v.evidence());
        assertTrue(v.evidence().contains("template0 (template database)"), v.evidence());
        assertTrue(v.hint().contains("only excluded databases"), v.hint());
    }

    @Test
    void serverWithNoDatabasesAtAllIsRefused() {
        Facts f = Facts.backup();
        f.databases.clear();
        assertTrue(judge(f).violates("no-databases"));
    }

    @Test
    void oneIncludedDatabaseIsEnough() {
        assertFalse(judge(Facts.backup()).violates("no-databases"));
    }

    // all at once ------------------------------------------------------------------------------------------------

    @Test
    void everyRuleIsEvaluatedInOneRun() {
        Facts f = Facts.backup();
        f.databases.set(0, new DatabaseFacts("app", "app_owner", true, 2 * TIB));
        f.inRecovery = true;
        f.weekSlot = new WeekSlot("2026-W48", "holder-1", Instant.parse("2026-11-23T02:00:00Z"));
        f.bytea.add(new ByteaFacts("app", "public", "files", "blob", 501 * MIB));
        f.type = BackupType.INCREMENTAL;
        f.accessTier = "Archive";
        f.vaultPlacement = new Placement(OTHER_TENANT, "sub-b", "westeurope");
        f.pgDumpMajor = 14;
        Verdict v = judge(f);
        List<String> ids = v.violations().stream().map(Violation::ruleId).toList();
        assertEquals(List.of("server-size", "primary-only", "one-backup-per-week", "bytea-limit", "full-only",
                "no-archive-tier", "vault-placement", "vault-placement", "tool-version", "region-availability"), ids);
        assertEquals(9, v.errors().size());
        assertEquals(1, v.warnings().size());
        assertFalse(v.allowed());
    }
}
