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

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code no-archive-tier}, backup side: with {@code pgvault.vault.access-tier=Archive} the backup is refused
 * before any blob is written to the real vault. (The restore side, archived source blobs, is in
 * {@link RestoreRulesRealTest}.)
 */
@QuarkusTest
@TestProfile(ArchiveTierRealTest.ArchiveTier.class)
class ArchiveTierRealTest {

    /** The vault writes with the Archive tier. */
    public static class ArchiveTier implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.vault.access-tier", "Archive");
        }
    }

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
    }

    @Test
    void backupToTheArchiveTierIsRefusedBeforeAnyBlob() {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        Real.assertRefusedWithNothingWritten(e, jobs, "no-archive-tier");
        Violation v = e.verdict().violationsOf("no-archive-tier").get(0);
        assertTrue(v.evidence().contains("Archive"), v.evidence());
        assertTrue(v.hint().contains("Hot, Cool, Cold"), v.hint());
        assertEquals(1, e.verdict().errors().size(), e.verdict().renderErrors());
    }
}
