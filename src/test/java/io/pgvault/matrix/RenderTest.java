package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The texts users read: a violation's paragraph, the CLI table, the exception message. */
class RenderTest {

    private final SupportMatrix matrix = new SupportMatrix(MatrixPolicy.defaults());

    @Test
    void violationRendersProblemEvidenceMatrixAndHintLines() {
        Violation v = MatrixRule.BYTEA_LIMIT.violation("column a.b.c.d is too big", "largest 600 MiB",
                "move the values");
        assertEquals("ERROR [bytea-limit] column a.b.c.d is too big\n"
                + "  evidence: largest 600 MiB\n"
                + "  matrix: \"Vaulted backups don't support tables containing a row with BYTEA length exceeding"
                + " 500 MB.\"\n"
                + "HINT: move the values", v.render());
    }

    @Test
    void warningRenderCarriesItsSeverity() {
        Violation v = MatrixRule.REGION_AVAILABILITY.violation("preview", "eastus", "use a GA region");
        assertTrue(v.render().startsWith("WARNING [region-availability] preview\n"), v.render());
    }

    @Test
    void everyRealViolationHasEvidenceAndAHint() {
        Facts f = Facts.backup();
        f.inRecovery = true;
        f.type = BackupType.DIFFERENTIAL;
        f.accessTier = "Archive";
        f.pgDumpMajor = 13;
        f.vaultPlacement = new Placement(Facts.OTHER_TENANT, "s", "eastus");
        f.weekSlot = new WeekSlot("2026-W48", "b-1", null);
        Verdict verdict = matrix.judgeBackup(f.build());
        assertEquals(8, verdict.violations().size(), verdict::renderTable);
        for (Violation v : verdict.violations()) {
            String r = v.render();
            assertTrue(r.contains("\n  evidence: "), r);
            assertTrue(r.contains("\nHINT: "), r);
            assertTrue(r.contains("\n  matrix: \""), r);
        }
    }

    @Test
    void renderErrorsJoinsOnlyErrorsWithBlankLines() {
        Facts f = Facts.backup();
        f.inRecovery = true;
        f.type = BackupType.INCREMENTAL;
        f.vaultPlacement = new Placement(Facts.TENANT, "s", "uksouth");
        f.serverPlacement = new Placement(Facts.TENANT, "s", "uksouth");
        Verdict v = matrix.judgeBackup(f.build());
        String text = v.renderErrors();
        assertEquals(v.errors().get(0).render() + "\n\n" + v.errors().get(1).render(), text);
        assertEquals(2, text.split("\nHINT: ", -1).length - 1, "one HINT per error");
    }

    @Test
    void renderErrorsLeavesWarningsOut() {
        Facts f = Facts.backup();
        f.serverPlacement = new Placement(Facts.TENANT, "s", "eastus");
        f.vaultPlacement = new Placement(Facts.TENANT, "s", "eastus");
        Verdict v = matrix.judgeBackup(f.build());
        assertEquals(1, v.warnings().size());
        assertEquals("", v.renderErrors());
    }

    @Test
    void tableShowsEveryViolationAndTheExclusions() {
        Facts f = Facts.backup();
        f.type = BackupType.INCREMENTAL;
        f.vaultPlacement = new Placement(Facts.TENANT, "s", "ukwest");
        String table = matrix.judgeBackup(f.build()).renderTable();
        assertTrue(table.contains("2 error(s), 0 warning(s); refused"), table);
        assertTrue(table.contains("SEVERITY  RULE"), table);
        assertTrue(table.contains("full-only"), table);
        assertTrue(table.contains("vault-placement"), table);
        assertTrue(table.contains("Included databases: 1, 10.0 GiB (10737418240 bytes): app"), table);
        assertTrue(table.contains("Excluded databases: 4"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("template0") && l.contains("template database")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("postgres") && l.contains("azure_pg_admin")), table);
        for (String line : table.lines().toList()) {
            assertTrue(line.length() <= 8 + 23 + 32 + 40 + 40 + 4 * 2, "too wide: " + line);
            assertFalse(line.endsWith(" "), "trailing space: '" + line + "'");
        }
    }

    @Test
    void cleanVerdictSaysSo() {
        String table = matrix.judgeRestore(Facts.cleanRestore()).renderTable();
        assertEquals("Support matrix: no violations.\n", table);
    }

    @Test
    void wrapBreaksAtWordsAndSplitsOverlongWords() {
        assertEquals(List.of("aaa bbb", "ccc"), TextTable.wrap("aaa bbb ccc", 7));
        assertEquals(List.of("abcde", "fgh"), TextTable.wrap("abcdefgh", 5));
        assertEquals(List.of(""), TextTable.wrap(null, 5));
    }

    @Test
    void tableRowsFollowEachOtherWithoutBlankLines() {
        String table = new TextTable(new String[] {"RULE", "TEXT"}, new int[] {6, 12})
                .row("first", "a cell long enough to wrap over three lines")
                .row("second", "short").render();
        assertEquals("""
                RULE    TEXT
                ------  ------------
                first   a cell long
                        enough to
                        wrap over
                        three lines
                second  short
                """, table);
        assertTrue(table.lines().noneMatch(String::isBlank), table);
    }
}
