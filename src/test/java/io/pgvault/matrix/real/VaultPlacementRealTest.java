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

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code vault-placement}: server and vault in different tenants and regions → the backup of the real server
 * is refused before anything is written to the real vault, one violation per mismatch.
 *
 * <p>Azure resource metadata (tenant, subscription, region of the server and of the storage account) has no
 * local emulator: the {@code pgvault.server.*} and {@code pgvault.vault.*} settings, which is where pgvault reads
 * it from in Azure too, stand in for it here.
 */
@QuarkusTest
@TestProfile(VaultPlacementRealTest.Mismatch.class)
class VaultPlacementRealTest {

    static final String SERVER_TENANT = "11111111-1111-1111-1111-111111111111";
    static final String VAULT_TENANT = "22222222-2222-2222-2222-222222222222";

    /** Server in uksouth of one tenant, vault in ukwest of another (and another subscription, which is fine). */
    public static class Mismatch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.server.tenant-id", SERVER_TENANT,
                    "pgvault.server.subscription-id", "aaaaaaaa-0000-0000-0000-000000000001",
                    "pgvault.server.region", "uksouth",
                    "pgvault.vault.tenant-id", VAULT_TENANT,
                    "pgvault.vault.subscription-id", "bbbbbbbb-0000-0000-0000-000000000002",
                    "pgvault.vault.region", "UK West");
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
    void vaultInAnotherTenantAndRegionIsRefusedBeforeAnyBlob() {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        Real.assertRefusedWithNothingWritten(e, jobs, "vault-placement");
        List<Violation> placement = e.verdict().violationsOf("vault-placement");
        assertEquals(2, placement.size(), "one violation for the tenant, one for the region: " + placement);
        assertTrue(placement.get(0).evidence().contains(SERVER_TENANT) && placement.get(0).evidence().contains(VAULT_TENANT),
                placement.get(0).evidence());
        assertTrue(placement.get(1).evidence().contains("server region uksouth; vault region ukwest"), placement.get(1).evidence());
        assertEquals(2, e.verdict().errors().size(), "a different subscription is no violation: " + e.verdict().renderErrors());
        assertEquals(0, e.verdict().warnings().size(), "both regions are generally available");
    }
}
