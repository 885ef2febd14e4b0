package io.pgvault.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The {@code safe-names} rule on plain facts: a role, database or tablespace name with a line break or another
 * control character refuses the backup, with the name shown escaped (one line, the control character visible) and
 * a HINT with a pasteable rename.
 */
class SafeNamesTest {

    /** The role name that injected SQL through the restore kit. */
    static final String INJECTING_ROLE = "replicationX\nGRANT pg_execute_server_program TO bob;--";

    private final SupportMatrix matrix = new SupportMatrix(MatrixPolicy.defaults());

    private Verdict judge(Facts f) {
        return matrix.judgeBackup(f.build());
    }

    @Test
    void aRoleNameWithANewlineRefusesTheBackupWithTheNameEscapedAndARenameHint() {
        Facts f = Facts.backup();
        f.globalNames.add(new GlobalName(GlobalName.Kind.ROLE, INJECTING_ROLE));
        Verdict v = judge(f);

        assertFalse(v.allowed());
        List<Violation> found = v.violationsOf("safe-names");
        assertEquals(1, found.size(), v::renderTable);
        Violation x = found.get(0);
        assertEquals(Severity.ERROR, x.severity());
        String escaped = "\"replicationX\\nGRANT pg_execute_server_program TO bob;--\"";
        assertTrue(x.problem().contains("role name " + escaped), x.problem());
        assertEquals("role " + escaped + " (escaped; contains line feed U+000A)", x.evidence());
        assertTrue(x.hint().contains("ALTER ROLE U&\"replicationX\\000aGRANT pg_execute_server_program TO bob;--\""
                + " RENAME TO <new_name>;"), x.hint());
        String rendered = x.render();
        assertEquals(4, rendered.lines().count(),
                "problem, evidence, matrix line and HINT: the name never breaks a line:\n" + rendered);
        assertFalse(rendered.contains("\nGRANT"), "no line of the message starts with the injected SQL:\n" + rendered);
    }

    @Test
    void databaseNamesAreJudgedFromTheDatabasesExcludedOnesToo() {
        Facts f = Facts.backup();
        f.databases.add(new DatabaseFacts("sales\r\nDROP", "app_owner", true, 1));
        f.databases.add(new DatabaseFacts("old\tarchive", "app_owner", false, 1)); // excluded: no connections
        Verdict v = judge(f);

        List<Violation> found = v.violationsOf("safe-names");
        assertEquals(2, found.size(), v::renderTable);
        Violation first = found.get(0);
        assertTrue(first.evidence().startsWith("database \"sales\\r\\nDROP\""), first.evidence());
        assertTrue(first.evidence().contains("carriage return U+000D, line feed U+000A"), first.evidence());
        assertTrue(first.hint().contains("ALTER DATABASE U&\"sales\\000d\\000aDROP\" RENAME TO <new_name>;"),
                first.hint());
        assertTrue(found.get(1).evidence().startsWith("database \"old\\tarchive\""), found.get(1).evidence());
    }

    @Test
    void tablespacesAndOtherControlCharactersAreRefusedToo() {
        Facts f = Facts.backup();
        f.globalNames.add(new GlobalName(GlobalName.Kind.TABLESPACE, "fast\u001bdisk"));
        f.globalNames.add(new GlobalName(GlobalName.Kind.ROLE, "del\u007f"));
        f.globalNames.add(new GlobalName(GlobalName.Kind.ROLE, "nel\u0085"));
        f.globalNames.add(new GlobalName(GlobalName.Kind.ROLE, "line\u2028sep"));
        List<Violation> found = judge(f).violationsOf("safe-names");

        assertEquals(List.of("role \"del\\u007f\"", "role \"nel\\u0085\"", "role \"line\\u2028sep\"",
                        "tablespace \"fast\\u001bdisk\""),
                found.stream().map(v -> v.evidence().substring(0, v.evidence().indexOf(" (escaped"))).toList());
        assertTrue(found.get(3).hint().contains("ALTER TABLESPACE U&\"fast\\001bdisk\" RENAME TO"), found.get(3).hint());
    }

    @Test
    void ordinaryNamesQuotesBackslashesAndNonAsciiLettersAreFine() {
        Facts f = Facts.backup();
        f.globalNames.add(new GlobalName(GlobalName.Kind.ROLE, "app \"owner\" \\ ü 日本"));
        f.databases.add(new DatabaseFacts("größe-db; DROP", "app_owner", true, 1));
        Verdict v = judge(f);
        assertFalse(v.violates("safe-names"), v::renderTable);
        assertTrue(v.allowed(), v::renderTable);
    }

    @Test
    void escapingShowsEveryCharacterOnOneLineAndIsUnambiguous() {
        assertEquals("\"a\\\\nb\"", SafeNames.escaped("a\\nb"), "a backslash is escaped, so \\n means a newline only");
        assertEquals("\"a\\nb\"", SafeNames.escaped("a\nb"));
        assertEquals("U&\"a\\\\b\"\"c\\000a\"", SafeNames.sqlIdentifier("a\\b\"c\n"));
        assertEquals("\"plain\"\"quote\"", SafeNames.sqlIdentifier("plain\"quote"));
        assertTrue(SafeNames.unsafe("x\u0000"));
        assertFalse(SafeNames.unsafe(null));
    }
}
