package io.pgvault.fleet;

import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.jobs.JobStore;
import io.pgvault.retention.RetentionService;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Job records expire (pgvault.jobs.retention-days, 400 by default) when retention runs, by their real
 * last-modified time in Azurite; the server's status document still holds its last backup.
 */
@QuarkusTest
class JobRetentionTest {

    @Inject
    BackupService backups;

    @Inject
    ServerRegistry registry;

    @Inject
    RetentionService retention;

    @Inject
    JobStore jobs;

    @Test
    void jobRecordsOlderThanTheRetentionGoAndTheStatusKeepsTheLastBackup() {
        TestServices.resetVault();
        registry.create(Fleet.b().checked(null));
        String id = backups.backup(registry.require(Fleet.B), BackupTrigger.CLI).manifest().backupId();
        String record = BackupLayout.jobPath(Fleet.B, "backup-" + id);
        var policy = registry.require(Fleet.B).policy().retention();

        retention.apply(retention.plan(Fleet.B, policy, Instant.now().plus(Duration.ofDays(399))), false);
        assertTrue(TestServices.vaultBlobs().contains(record), "399 days: kept");

        var o = retention.apply(retention.plan(Fleet.B, policy, Instant.now().plus(Duration.ofDays(401))), false);
        assertTrue(o.failures().isEmpty(), o.failures().toString());
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(BackupLayout.jobsPrefix(Fleet.B))),
                "401 days: every job record gone: " + TestServices.vaultBlobs());
        assertTrue(TestServices.vaultBlobs().contains(Fleet.B + "/" + id + "/manifest.json"), "the backup itself stays");
        assertEquals(id, jobs.status(Fleet.B).orElseThrow().lastBackup().backupId());
    }
}
