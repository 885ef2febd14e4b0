package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The records copy their lists, default unknown values, and name things as messages need. */
class RecordsTest {

    @Test
    void serverFactsCopiesItsLists() {
        List<DatabaseFacts> dbs = new ArrayList<>(List.of(new DatabaseFacts("app", "o", true, 1)));
        ServerFacts s = new ServerFacts("pg", "16.4", 16, false, dbs, null, null);
        dbs.clear();
        assertEquals(1, s.databases().size());
        assertEquals(List.of(), s.byteaColumns());
        assertEquals(Placement.unknown(), s.placement());
        assertThrows(UnsupportedOperationException.class, () -> s.databases().clear());
    }

    @Test
    void restoreFactsCopiesItsLists() {
        List<String> dbs = new ArrayList<>(List.of("app"));
        RestoreFacts r = new RestoreFacts("b", dbs, null, null, null);
        dbs.clear();
        assertEquals(List.of("app"), r.requestedDatabases());
        assertEquals(List.of(), r.archivedFiles());
        assertThrows(UnsupportedOperationException.class, () -> r.requestedDatabases().add("x"));
    }

    @Test
    void verdictCopiesItsViolations() {
        List<Violation> vs = new ArrayList<>(List.of(MatrixRule.FULL_ONLY.violation("p", "e", "h")));
        Verdict v = new Verdict(vs, null);
        vs.clear();
        assertEquals(1, v.violations().size());
        assertTrue(v.selection().isEmpty());
    }

    @Test
    void byteaQualifiedNameIsDatabaseSchemaTableColumn() {
        assertEquals("app.public.files.data", new ByteaFacts("app", "public", "files", "data", 1).qualifiedName());
    }

    @Test
    void tenantComparisonIgnoresCaseAndUnknowns() {
        Placement a = new Placement("ABC", null, null);
        assertTrue(a.tenantDiffersFrom(new Placement("abd", null, null)));
        assertEquals(false, a.tenantDiffersFrom(new Placement("abc", null, null)));
        assertEquals(false, a.tenantDiffersFrom(Placement.unknown()));
    }

    @Test
    void ruleIdsAreUniqueAndFindable() {
        for (MatrixRule r : MatrixRule.values()) {
            assertEquals(r, MatrixRule.byId(r.id()).orElseThrow());
        }
        assertTrue(MatrixRule.byId("nope").isEmpty());
    }

    @Test
    void policyRefusesNonPositiveLimits() {
        assertThrows(IllegalArgumentException.class, () -> new MatrixPolicy(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MatrixPolicy(1, -1));
    }
}
