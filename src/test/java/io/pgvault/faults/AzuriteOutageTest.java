package io.pgvault.faults;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 3: Azurite stopped mid-upload, then restarted. The vault clients use the SDK's retry policy
 * ({@code VaultClients.retryOptions}, pgvault.vault.retry-max-tries / retry-delay); a backup either completes — every file of its manifest present and
 * matching its SHA-256 — or fails cleanly. Never a manifest without all its files.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class AzuriteOutageTest extends FaultTestBase {

    static final String BIG = "faults_azurite_big";

    @AfterEach
    void cleanUp() {
        Azurite.start(); // whatever happened, the other tests need it
        Databases.dropEverywhere(BIG);
    }

    @Test
    void briefOutageMidUploadIsRiddenOutByTheSdkRetries() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createBig(BIG, 48);
        var run = async(() -> backups.backup(BackupType.FULL));
        await("pg_dump of " + BIG + " copying data", Duration.ofMinutes(1), () -> Databases.copyingBackend(BIG).isPresent());
        long t0 = System.nanoTime();
        Azurite.stop();
        Azurite.start();
        System.out.printf("Azurite was down for %.1f s%n", (System.nanoTime() - t0) / 1e9);

        BackupService.BackupResult r;
        try {
            r = run.get(3, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new AssertionError("a 5-second outage is within the SDK's retries; the backup failed: "
                    + (e.getCause() instanceof PgvaultException p ? p.render() : e.getCause()), e.getCause());
        }
        Manifest m = r.manifest();
        assertTrue(m.databaseFiles().stream().anyMatch(f -> f.database().equals(BIG)));
        assertCompleteBackup(m);
        assertIntact(earlier);
    }

    /** Every file the manifest lists exists and matches its size and SHA-256; nothing else is under the prefix. */
    static void assertCompleteBackup(Manifest m) {
        String prefix = BackupLayout.backupPrefix(SERVER, m.backupId());
        var names = blobsUnder(prefix);
        assertEquals(m.files().size() + 1, names.size(), "the manifest and exactly its files: " + names);
        assertIntact(new Snapshot(m.backupId(), m, TestServices.vaultContainer()
                .getBlobClient(prefix + BackupLayout.MANIFEST).downloadContent().toBytes(), names));
    }
}
