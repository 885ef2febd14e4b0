package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.VaultStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code server-size}, the passing side: the same real server under a lowered limit of 2 GiB that is above
 * its real size; the backup is judged, allowed and committed.
 */
@QuarkusTest
@TestProfile(ServerSizeAllowedRealTest.TwoGiB.class)
class ServerSizeAllowedRealTest {

    static final long LIMIT = 2L * 1024 * 1024 * 1024;

    /** The server-size limit lowered to 2 GiB. */
    public static class TwoGiB implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.matrix.max-server-size-bytes", Long.toString(LIMIT));
        }
    }

    @Inject
    BackupService backups;

    @Inject
    VaultStore vault;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("size_app");
        TestServices.sql("size_app", "CREATE TABLE t AS SELECT g, repeat(md5(g::text), 4) AS s FROM generate_series(1, 20000) g");
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("size_app");
    }

    @Test
    void backupBelowTheLimitIsCommitted() throws Exception {
        long real = ServerSizeRealTest.includedSizeBySql();
        assertTrue(real > ServerSizeRealTest.LIMIT && real < LIMIT,
                "the real server (" + real + " bytes) lies between the refusing and the allowing limit");

        var result = backups.backup(BackupType.FULL);

        assertFalse(result.verdict().violates("server-size"));
        assertEquals(JobRecord.SUCCEEDED, result.job().state());
        assertTrue(vault.manifest(Real.SERVER, result.manifest().backupId()).isPresent(), "the backup is committed");
        assertTrue(result.manifest().databaseFiles().stream().anyMatch(f -> f.database().equals("size_app")));
    }
}
