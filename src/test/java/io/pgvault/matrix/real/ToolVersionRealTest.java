package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.postgres.PgTools;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code tool-version} as far as this machine allows: only PostgreSQL 15 packages exist here, so a pg_dump
 * older than the server cannot be produced for real (the refusing side is covered by the matrix's unit tests,
 * {@code SupportMatrixBackupTest}). What is real: the version pgvault reads from the real pg_dump binary it will
 * run equals what that binary prints, its major equals the real server's major, and the verdict passes the rule.
 */
@QuarkusTest
class ToolVersionRealTest {

    @Inject
    BackupService backups;

    @Inject
    PgTools tools;

    @Test
    void theRealPgDumpVersionIsParsedAndMatchesTheServerMajor() throws Exception {
        String printed = run(tools.tool("pg_dump").toString(), "--version");
        Matcher m = Pattern.compile("^pg_dump \\(PostgreSQL\\) (\\d+)\\.(\\d+)").matcher(printed);
        assertTrue(m.find(), "pg_dump --version: " + printed);
        int serverMajor;
        try (var c = TestServices.connect(TestServices.pgPort(), "postgres"); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            serverMajor = rs.getInt(1);
        }

        var preflight = backups.preflight(BackupType.FULL, Instant.now());

        assertEquals(m.group(1) + "." + m.group(2), preflight.pgDumpVersion(), "the version pgvault read from the binary");
        assertEquals(serverMajor, PgTools.major(preflight.pgDumpVersion()), "pg_dump's major is the server's major");
        assertEquals(serverMajor, preflight.server().serverMajor(), "the inspector read the server's real major");
        assertFalse(preflight.verdict().violates("tool-version"), preflight.verdict().renderTable());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.trim();
    }
}
