package io.pgvault.matrix;

import static io.pgvault.matrix.Facts.OTHER_TENANT;
import static io.pgvault.matrix.Facts.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** One test per restore rule, violating and passing side. */
class SupportMatrixRestoreTest {

    private final SupportMatrix matrix = new SupportMatrix(MatrixPolicy.defaults());
    private final Placement vaultUkSouth = new Placement(TENANT, "sub-a", "uksouth");

    private static Violation only(Verdict v, String ruleId) {
        List<Violation> found = v.violationsOf(ruleId);
        assertEquals(1, found.size(), () -> "expected exactly one " + ruleId + " in:\n" + v.renderTable());
        return found.get(0);
    }

    @Test
    void cleanRestoreIsAllowed() {
        Verdict v = matrix.judgeRestore(Facts.cleanRestore());
        assertTrue(v.violations().isEmpty(), v::renderTable);
        assertTrue(v.selection().isEmpty());
    }

    // 12. no-item-level ------------------------------------------------------------------------------------------

    @Test
    void specificDatabasesAreRefusedAndNamed() {
        Verdict v = matrix.judgeRestore(Facts.restore(List.of("app", "billing"), vaultUkSouth, vaultUkSouth,
                List.of()));
        Violation n = only(v, "no-item-level");
        assertEquals(Severity.ERROR, n.severity());
        assertTrue(n.evidence().contains("requested databases: app, billing"), n.evidence());
        assertTrue(n.hint().contains("whole backup") && n.hint().contains("pg_restore"), n.hint());
    }

    @Test
    void wholeBackupPasses() {
        Verdict v = matrix.judgeRestore(Facts.restore(null, vaultUkSouth, vaultUkSouth, null));
        assertFalse(v.violates("no-item-level"));
    }

    // 13. restore-placement --------------------------------------------------------------------------------------

    @Test
    void targetInOtherTenantIsRefused() {
        Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultUkSouth,
                new Placement(OTHER_TENANT, "sub-a", "uksouth"), List.of()));
        Violation p = only(v, "restore-placement");
        assertTrue(p.evidence().contains("vault tenant " + TENANT + "; target tenant " + OTHER_TENANT), p.evidence());
    }

    @Test
    void targetInUnpairedRegionIsRefusedNamingThePair() {
        Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultUkSouth,
                new Placement(TENANT, "sub-a", "East US"), List.of()));
        Violation p = only(v, "restore-placement");
        assertTrue(p.evidence().contains("target region eastus; uksouth is paired with ukwest"), p.evidence());
        assertTrue(p.hint().contains("uksouth or its paired region ukwest"), p.hint());
    }

    @Test
    void vaultRegionWithoutPairAllowsOnlyItself() {
        Placement vaultPoland = new Placement(TENANT, "sub-a", "polandcentral");
        Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultPoland,
                new Placement(TENANT, "sub-a", "germanywestcentral"), List.of()));
        Violation p = only(v, "restore-placement");
        assertTrue(p.evidence().contains("polandcentral has no Azure paired region"), p.evidence());
    }

    @Test
    void sameRegionPairedRegionAndOtherSubscriptionPass() {
        for (String region : new String[] {"UK South", "ukwest"}) {
            Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultUkSouth,
                    new Placement(TENANT.toUpperCase(), "another-subscription", region), List.of()));
            assertFalse(v.violates("restore-placement"), "target " + region);
        }
    }

    @Test
    void asymmetricPairCountsInBothDirections() {
        // West US 3's secondary is East US; a vault in eastus may restore to westus3 and vice versa.
        Placement eastus = new Placement(TENANT, "s", "eastus");
        Placement westus3 = new Placement(TENANT, "s", "westus3");
        assertFalse(matrix.judgeRestore(Facts.restore(List.of(), eastus, westus3, List.of()))
                .violates("restore-placement"));
        assertFalse(matrix.judgeRestore(Facts.restore(List.of(), westus3, eastus, List.of()))
                .violates("restore-placement"));
    }

    @Test
    void unknownTargetPlacementIsNotJudged() {
        Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultUkSouth, Placement.unknown(), List.of()));
        assertFalse(v.violates("restore-placement"));
    }

    // 14. restore-source-archived --------------------------------------------------------------------------------

    @Test
    void archivedFilesAreRefusedAndListed() {
        Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultUkSouth, vaultUkSouth,
                List.of("pg-prod/20261123T020000Z/app.dump.zst", "pg-prod/20261123T020000Z/globals.sql.zst")));
        Violation a = only(v, "restore-source-archived");
        assertTrue(a.problem().startsWith("2 file(s)"), a.problem());
        assertTrue(a.evidence().contains("app.dump.zst") && a.evidence().contains("globals.sql.zst"), a.evidence());
        assertTrue(a.hint().contains("Rehydrate") && a.hint().contains("rehydrate-priority"), a.hint());
    }

    @Test
    void noArchivedFilesPasses() {
        assertFalse(matrix.judgeRestore(Facts.cleanRestore()).violates("restore-source-archived"));
    }

    // 15. region-availability for the target ---------------------------------------------------------------------

    @Test
    void previewTargetRegionIsWarned() {
        Placement vaultEast = new Placement(TENANT, "s", "eastus");
        Verdict v = matrix.judgeRestore(Facts.restore(List.of(), vaultEast, new Placement(TENANT, "s", "westus"),
                List.of()));
        Violation w = only(v, "region-availability");
        assertEquals(Severity.WARNING, w.severity());
        assertTrue(w.evidence().startsWith("restore target region: westus"), w.evidence());
        assertTrue(v.allowed());
    }

    @Test
    void gaTargetRegionIsNotWarned() {
        assertFalse(matrix.judgeRestore(Facts.cleanRestore()).violates("region-availability"));
    }

    // all at once ------------------------------------------------------------------------------------------------

    @Test
    void everyRestoreRuleIsEvaluatedInOneRun() {
        Verdict v = matrix.judgeRestore(Facts.restore(List.of("app"), vaultUkSouth,
                new Placement(OTHER_TENANT, "s", "eastus"), List.of("a.dump.zst")));
        assertEquals(List.of("no-item-level", "restore-placement", "restore-placement", "restore-source-archived",
                "region-availability"), v.violations().stream().map(Violation::ruleId).toList());
        assertEquals(4, v.errors().size());
        assertFalse(v.allowed());
    }

    // restore-into-server (NOTE) -----------------------------------------------------------------------------------

    /** A restore into a server is allowed, with a note that is neither an error nor a warning; the rules still apply. */
    @Test
    void aRestoreIntoAServerCarriesANoteAndStillObeysTheRules() {
        RestoreFacts clean = Facts.cleanRestore();
        Verdict v = matrix.judgeRestore(new RestoreFacts(clean.backupId(), List.of(), clean.vault(), clean.target(),
                List.of(), true));
        Violation note = only(v, "restore-into-server");
        assertEquals(Severity.NOTE, note.severity());
        assertTrue(v.allowed() && v.warnings().isEmpty() && v.errors().isEmpty(), v::renderTable);
        assertEquals(List.of(note), v.notes());
        assertTrue(note.render().startsWith("NOTE [restore-into-server]") && note.problem().contains("beyond"),
                note.render());
        assertTrue(v.renderTable().contains("1 note(s)"), v::renderTable);
        Verdict itemLevel = matrix.judgeRestore(new RestoreFacts(clean.backupId(), List.of("app"), clean.vault(),
                clean.target(), List.of(), true));
        assertFalse(itemLevel.allowed(), "no item-level recovery into a server either");
        assertFalse(matrix.judgeRestore(clean).violates("restore-into-server"), "a restore as files has no note");
    }
}
