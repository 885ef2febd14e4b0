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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code primary-only} on a real replica: pgvault is pointed at a streaming standby of the test server, made
 * with {@code pg_basebackup -R} by {@code scripts/services.sh standby} (started here if the run has none). The
 * backup is refused before anything is written.
 */
@QuarkusTest
@TestProfile(PrimaryOnlyRealTest.OnStandby.class)
class PrimaryOnlyRealTest {

    /** pgvault's server is the standby. */
    public static class OnStandby implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.pg.port", Integer.toString(Real.standbyPort()));
        }
    }

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() throws Exception {
        TestServices.resetVault();
        try (var c = TestServices.connect(Real.standbyPort(), "postgres"); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), (SELECT count(*) FROM pg_stat_wal_receiver)")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "the fixture is a real replica in recovery");
            assertEquals(1, rs.getInt(2), "and it streams from the primary");
        }
    }

    @Test
    void backupOfAStandbyIsRefusedAndWritesNothing() {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        Real.assertRefusedWithNothingWritten(e, jobs, "primary-only");
        Violation v = e.verdict().violationsOf("primary-only").get(0);
        assertTrue(v.evidence().contains("pg_is_in_recovery() returned true"), v.evidence());
        assertTrue(v.hint().contains("primary"), v.hint());
        assertEquals(1, e.verdict().errors().size(), "only the replica is wrong: " + e.verdict().renderErrors());
    }

    @Test
    void preflightOnTheStandbyReportsIt() {
        var verdict = backups.preflight(BackupType.FULL, Instant.now()).verdict();
        assertTrue(verdict.violates("primary-only"));
        assertTrue(!verdict.allowed());
    }
}
