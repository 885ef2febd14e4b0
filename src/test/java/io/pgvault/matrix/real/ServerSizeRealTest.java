package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code server-size} on the real server: the limit ({@code pgvault.matrix.max-server-size-bytes}) is lowered
 * to 1 MiB, below the real sum of {@code pg_database_size} of the databases a backup includes, so the backup is
 * refused before anything is written. {@link ServerSizeAllowedRealTest} runs the same server under a limit above it.
 */
@QuarkusTest
@TestProfile(ServerSizeRealTest.OneMiB.class)
class ServerSizeRealTest {

    static final long LIMIT = 1024 * 1024;

    /** The server-size limit lowered to 1 MiB. */
    public static class OneMiB implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.matrix.max-server-size-bytes", Long.toString(LIMIT));
        }
    }

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("size_app");
        // about 4 MiB of rows, so the included total is well above the lowered limit on any fresh server
        TestServices.sql("size_app", "CREATE TABLE t AS SELECT g, repeat(md5(g::text), 4) AS s FROM generate_series(1, 20000) g");
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("size_app");
    }

    @Test
    void backupAboveTheLoweredLimitIsRefusedWithTheRealSumAndWritesNothing() throws Exception {
        long before = includedSizeBySql();
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));
        long after = includedSizeBySql();

        Real.assertRefusedWithNothingWritten(e, jobs, "server-size");
        long judged = e.verdict().selection().includedSizeBytes();
        assertTrue(judged >= Math.min(before, after) && judged <= Math.max(before, after),
                "the judged size is the real sum of pg_database_size of the included databases: " + judged
                        + " vs SQL " + before + ".." + after);
        assertTrue(judged > LIMIT, "the real server is above the lowered limit");
        Violation v = e.verdict().violationsOf("server-size").get(0);
        assertTrue(v.evidence().contains("(" + judged + " bytes)"), "evidence gives the exact total: " + v.evidence());
        assertTrue(v.evidence().contains("(" + LIMIT + " bytes)"), "evidence gives the limit: " + v.evidence());
        assertTrue(v.evidence().contains("size_app"), "evidence names the largest databases: " + v.evidence());
        // the hint gives the fix: the limit to get under, measured the way the rule measures, and how
        assertTrue(v.hint().contains("under 1.0 MiB in total (sum of pg_database_size)"), "the hint names the limit: "
                + v.hint());
        assertTrue(v.hint().contains("drop or move data out of the largest databases"), v.hint());
        assertTrue(e.render().contains("HINT: "), e.render());
        assertEquals(1, e.verdict().errors().size(), "server size is the only thing wrong: " + e.verdict().renderErrors());
    }

    @Test
    void preflightReportsTheSameViolationWithoutStartingABackup() {
        var preflight = backups.preflight(BackupType.FULL, Instant.now());
        assertTrue(preflight.verdict().violates("server-size"));
        assertEquals(0, TestServices.vaultBlobs().size(), "preflight writes nothing, not even a job record");
    }

    /**
     * The server size as the matrix defines it, measured independently: sum of pg_database_size over the
     * databases a backup includes (not templates, not datallowconn = false, not owned by azuresu/azure_pg_admin).
     */
    static long includedSizeBySql() throws Exception {
        try (var c = TestServices.connect(TestServices.pgPort(), "postgres"); var st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT coalesce(sum(pg_database_size(d.oid)), 0) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
                     WHERE d.datname NOT IN ('template0', 'template1') AND d.datallowconn
                       AND r.rolname NOT IN ('azuresu', 'azure_pg_admin')""")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
