package io.pgvault.faults;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 3, the other outcome: Azurite stays down until the SDK's retry policy gives up (two attempts here, so the
 * test takes seconds, not the production policy's half minute per request). The backup fails with the vault error
 * and its HINT, and no manifest. Its cleanup cannot reach the vault either, so it leaves what a killed run leaves
 * — a claim whose lease nobody renews, a job record still Running, partial files without a manifest (not a
 * backup) — which the next run records as Interrupted once the lease lapsed ({@link ProcessFaultsTest}).
 */
@QuarkusTest
@TestProfile(AzuriteLongOutageTest.ShortRetries.class)
class AzuriteLongOutageTest extends FaultTestBase {

    static final String BIG = "faults_outage_big";

    /** The SDK's exponential policy with two attempts and a 0.2 s first delay. */
    public static class ShortRetries extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.vault.retry-max-tries", "2", "pgvault.vault.retry-delay", "PT0.2S");
        }
    }

    @AfterEach
    void cleanUp() {
        Azurite.start(); // whatever happened, the other tests need it
        Databases.dropEverywhere(BIG);
    }

    @Test
    void vaultDownBeforeTheRunFailsAtOnceWithTheVaultErrorAndWritesNothing() {
        Snapshot earlier = freshVaultWithEarlierBackup();
        var before = blobsUnder("");
        PgvaultException e;
        Azurite.stop();
        try {
            e = backupFails();
        } finally {
            Azurite.start();
        }
        assertEquals(ErrorKind.VAULT_UNAVAILABLE, e.kind(), e.render());
        assertTrue(e.render().contains("Could not write " + SERVER + "/.jobs/backup-"), e.render());
        assertTrue(e.render().contains("Connection refused"), "the evidence is the cause, not a wrapper: " + e.render());
        assertTrue(e.hint().contains("reachable"), e.hint());
        assertEquals(before, blobsUnder(""), "nothing was written");
        assertIntact(earlier);
    }

    @Test
    void outageLongerThanTheRetriesFailsWithTheVaultErrorAndNoManifest() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createBig(BIG, 48);
        var run = async(() -> backups.backup(BackupType.FULL));
        await("pg_dump of " + BIG + " copying data", Duration.ofMinutes(1), () -> Databases.copyingBackend(BIG).isPresent());
        String week = WeekClaims.isoWeek(Instant.now());
        String id = vault.readJson(BackupLayout.weekClaimPath(SERVER, week), WeekClaims.ClaimDocument.class)
                .map(VaultStore.Versioned::value).orElseThrow().backupId();
        PgvaultException e;
        Azurite.stop();
        try {
            e = failureOf(run, Duration.ofMinutes(2));
        } finally {
            Azurite.start();
        }
        assertTrue(e.render().contains("\nHINT: "), e.render());
        // which call meets the outage first (the big dump's stream, a small database's block) depends on timing
        assertTrue(e.render().contains("into the vault failed") || e.render().contains("vault container")
                || e.render().contains("in the vault."), e.render());
        assertTrue(e.hint().contains("vault"), e.hint());

        assertFalse(vault.manifest(SERVER, id).isPresent(), "no manifest for the failed backup");
        assertEquals(List.of(earlier.manifest()), vault.catalog(SERVER), "the catalog holds only the earlier backup");
        assertIntact(earlier);
        // What the documented recovery starts from: the run's claim and its unfinished job record.
        assertEquals(id, vault.readJson(BackupLayout.weekClaimPath(SERVER, week), WeekClaims.ClaimDocument.class)
                .map(VaultStore.Versioned::value).orElseThrow().backupId());
        assertFalse(jobs.get(SERVER, "backup-" + id).terminal(), "nobody could record its end");
        assertFalse(JobRecord.SUCCEEDED.equals(jobs.get(SERVER, "backup-" + id).state()));
        assertTrue(logs.text().contains("Could not record the failure of backup-" + id), "the lost record is logged");
    }
}
