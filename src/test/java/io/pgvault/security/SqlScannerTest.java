package io.pgvault.security;

import io.pgvault.roles.SqlScanner;
import io.pgvault.roles.SqlScript;
import io.pgvault.roles.SqlStatement;
import io.pgvault.roles.SqlSyntaxException;
import io.pgvault.roles.SqlToken;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scanner that replaced restore.sh's line-based awk: statements end only at a top-level {@code ;}, whatever
 * quotes, comments or newlines are around it, and anything it cannot split exactly as psql would is an error.
 */
class SqlScannerTest {

    static List<String> texts(String script) {
        return SqlScanner.scan(script).statements().stream().map(SqlStatement::text).toList();
    }

    /** Concatenating the pieces gives the script back byte for byte: nothing is lost or reordered. */
    static void assertRoundTrip(String script) {
        SqlScript s = SqlScanner.scan(script);
        StringBuilder sb = new StringBuilder();
        s.statements().forEach(st -> sb.append(st.leading()).append(st.text()));
        assertEquals(script, sb.append(s.trailing()).toString());
    }

    @Test
    void aQuotedIdentifierSpanningLinesIsOneNameInOneStatement() {
        String script = "CREATE ROLE \"replicationX\nGRANT pg_execute_server_program TO bob;--\";\nSELECT 1;\n";
        SqlScript s = SqlScanner.scan(script);
        assertEquals(2, s.statements().size(), texts(script).toString());
        SqlToken name = s.statements().get(0).token(2);
        assertEquals(SqlToken.Kind.IDENTIFIER, name.kind());
        assertEquals("replicationX\nGRANT pg_execute_server_program TO bob;--", name.value());
        assertEquals(3, s.statements().get(1).line(), "lines count the newline inside the name");
        assertRoundTrip(script);
    }

    @Test
    void doubledQuotesStayInsideTheIdentifier() {
        String script = "CREATE ROLE \"a\"\"b; DROP ROLE c; --\"\"\";";
        SqlScript s = SqlScanner.scan(script);
        assertEquals(1, s.statements().size(), texts(script).toString());
        assertEquals("a\"b; DROP ROLE c; --\"", s.statements().get(0).token(2).value());
    }

    @Test
    void literalsEscapeStringsAndTheStandardStringsSetting() {
        assertEquals(1, texts("COMMENT ON ROLE x IS 'it''s; \"not\" an identifier\n-- nor a comment';").size());
        // E'…': \' is a quote inside the string, so the ; after it is still inside
        assertEquals(1, texts("COMMENT ON ROLE x IS E'a\\'; DROP ROLE y; --';").size());
        // a standard string: the backslash is a plain char, the string ends at the second quote
        assertEquals(List.of("COMMENT ON ROLE x IS 'a\\';", "SELECT 1;"),
                texts("COMMENT ON ROLE x IS 'a\\'; SELECT 1;"));
        // with standard_conforming_strings off, psql reads '…' like E'…': so does the scanner
        assertEquals(2, texts("SET standard_conforming_strings = off;\nCOMMENT ON ROLE x IS 'a\\'; SELECT 1;';").size());
        assertEquals(3, texts("SET standard_conforming_strings = off;\nSET standard_conforming_strings TO on;\n"
                + "COMMENT ON ROLE x IS 'a\\';").size());
    }

    @Test
    void dollarQuotesParametersAndDollarsInsideNames() {
        assertEquals(1, texts("DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$x$'; END $body$;").size());
        assertEquals(1, texts("SELECT $$;$$;").size());
        assertEquals(1, texts("SELECT $1 + a$b$c FROM t;").size(), "a$b$c is a name, $1 a parameter");
        assertEquals(2, texts("SELECT $a$ ; $b$ ; $a$; SELECT 2;").size(), "only the same tag closes");
    }

    @Test
    void commentsNestAndHideSemicolonsAndQuotes() {
        String script = "-- a ; \" ' comment\n/* outer ; /* inner \" ; */ still ' ; */ SELECT 1;\n"
                + "SELECT 2 -- trailing ; \"\n;\n-- the end ;\n";
        assertEquals(List.of("SELECT 1;", "SELECT 2 -- trailing ; \"\n;"), texts(script));
        assertRoundTrip(script);
    }

    @Test
    void semicolonsInsideParenthesesDoNotEndAStatement() {
        assertEquals(1, texts("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);").size());
    }

    @Test
    void metaCommandLinesAreTheirOwnStatements() {
        SqlScript s = SqlScanner.scan("\\restrict abc\n\nSET x = 1;\n\\unrestrict abc\n");
        assertEquals(List.of(SqlStatement.Kind.META, SqlStatement.Kind.SQL, SqlStatement.Kind.META),
                s.statements().stream().map(SqlStatement::kind).toList());
        assertEquals("\\restrict abc", s.statements().get(0).text());
    }

    @Test
    void wordsFoldToLowerCaseAndQuotedNamesDoNot() {
        SqlStatement st = SqlScanner.scan("ALTER ROLE Bob WITH SuperUser;").statements().get(0);
        assertTrue(st.isWord(0, "alter") && st.isWord(3, "WITH"));
        assertEquals("bob", st.token(2).name());
        assertEquals("Bob", SqlScanner.scan("ALTER ROLE \"Bob\";").statements().get(0).token(2).name());
    }

    @Test
    void anOddNumberOfQuotesIsAnErrorWithItsLine() {
        SqlSyntaxException e = assertThrows(SqlSyntaxException.class,
                () -> SqlScanner.scan("SET a = 1;\nCREATE ROLE \"x;\nALTER ROLE bob SUPERUSER;\n"));
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("unterminated quoted identifier"), e.getMessage());
        assertError("COMMENT ON ROLE x IS 'abc;\n", "unterminated string literal", 1);
        assertError("COMMENT ON ROLE x IS E'abc\\';\n", "unterminated string literal", 1);
        assertError("DO $a$ SELECT 1; $b$;", "unterminated dollar-quoted string", 1);
        assertError("SELECT 1;\n/* /* */ SELECT 2;", "unterminated /* comment", 2);
    }

    @Test
    void whatPsqlWouldReadDifferentlyIsRefused() {
        assertError("SELECT 1;\nCREATE ROLE x", "no closing ';'", 2);
        assertError("SELECT 1 \\gexec\n;", "backslash command inside a statement", 1);
        assertError("CREATE ROLE :evil;", "psql variable", 1);
        assertError("CREATE ROLE :'evil';", "psql variable", 1);
        assertError("CREATE ROLE U&\"\\0061zuresu\";", "Unicode-escape", 1);
        assertEquals(1, texts("SELECT '1'::int;").size(), ":: is a cast, not a variable");
    }

    static void assertError(String script, String reason, int line) {
        SqlSyntaxException e = assertThrows(SqlSyntaxException.class, () -> SqlScanner.scan(script), script);
        assertTrue(e.reason().contains(reason), "expected '" + reason + "': " + e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
    }
}
