package io.pgvault.restore;

import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which storage accounts a restore may write to (security issue, item 4): never the vault's own account (a
 * key holder could otherwise overwrite backups), never the Functions host's account, and without a SAS only
 * an account on {@code pgvault.restore.identity-target-accounts} — the app's identity may write where the
 * caller may not. Each attack is made for real against Azurite; the host account is named the way the
 * Functions host names it (the {@code AzureWebJobsStorage} connection string), pointing at Azurite's second
 * account. Not tested here: a write with the managed identity to an allow-listed account (Azurite has no
 * Entra ID; the credential chain would reach for the instance metadata endpoint, which is not on loopback).
 */
@QuarkusTest
@TestProfile(RestoreTargetAccountsTest.HostIsTheTargetAccount.class)
class RestoreTargetAccountsTest {

    /** The Functions host's storage is Azurite's second account (the one other tests restore into). */
    public static class HostIsTheTargetAccount implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("AzureWebJobsStorage", TestServices.env("PGVAULT_TARGET_CONNECTION_STRING"),
                    "pgvault.restore.identity-target-accounts", "someotheraccount");
        }
    }

    @Inject
    BackupService backups;

    private static Map<String, Object> request(String backupId, String targetUrl, String option) {
        Map<String, Object> body = new HashMap<>();
        body.put("server", RestoreClient.SERVER);
        body.put("backupId", backupId);
        body.put("targetContainerUrl", targetUrl);
        body.put("recoveryOption", option);
        return body;
    }

    /** Every vault blob with its ETag: a refused restore must leave all of them as they were. */
    private static Map<String, String> vaultState() {
        Map<String, String> out = new TreeMap<>();
        TestServices.vaultContainer().listBlobs().forEach(b -> out.put(b.getName(), b.getProperties().getETag()));
        return out;
    }

    @Test
    void theVaultsOwnAccountIsNeverATargetNotEvenWithItsOwnSasAndOverwrite() {
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        Map<String, String> before = vaultState();
        var vault = TestServices.vaultContainer();
        String vaultSas = vault.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                BlobContainerSasPermission.parse("racwdl")));

        // the vault container itself, with a full SAS signed by the vault's key, replacing files
        String message = RestoreClient.assertError(RestoreClient.post(request(m.backupId(),
                vault.getBlobContainerUrl() + "?" + vaultSas, "Overwrite")), 400, "restore-target",
                "vault's own storage account");
        assertTrue(message.contains("account devstoreaccount1"), message);
        assertFalse(message.contains(vaultSas.replaceAll(".*sig=([^&]+).*", "$1")), "no SAS echoed: " + message);
        // another container of the vault's account, with the app's identity (no SAS)
        RestoreClient.assertError(RestoreClient.post(request(m.backupId(),
                TestServices.env("PGVAULT_AZURITE_BLOB_ENDPOINT") + "/copied-out", "FailIfExists")), 400,
                "restore-target", "vault's own storage account");

        assertEquals(before, vaultState(), "the vault is exactly as it was");
        assertFalse(TestServices.blobService().getBlobContainerClient("copied-out").exists(), "nothing created");
    }

    @Test
    void theFunctionsHostsAccountIsNeverATarget() {
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        String container = "host-" + System.nanoTime();
        TestServices.targetContainer(container).createIfNotExists();

        String message = RestoreClient.assertError(RestoreClient.post(request(m.backupId(),
                TestServices.targetUrl(container), "FailIfExists")), 400, "restore-target",
                "Functions host's storage account");
        assertTrue(message.contains("AzureWebJobsStorage account pgvaulttarget"), message);
        assertTrue(RestoreClient.blobs(container, "").isEmpty(), "nothing written to the host account");
    }

    @Test
    void withoutASasOnlyAllowListedAccountsMayBeWrittenWithTheAppsIdentity() {
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        // a blob endpoint in Azure's form: refused before any connection (no name lookup, no request)
        String message = RestoreClient.assertError(RestoreClient.post(request(m.backupId(),
                "https://elsewhere.blob.core.windows.net/restored", "FailIfExists")), 400, "restore-target",
                "identity allow-list");
        assertTrue(message.contains("PGVAULT_RESTORE_IDENTITY_TARGET_ACCOUNTS: someotheraccount"), message);
        assertTrue(message.contains("sp=rcwl"), "the HINT says how to give a SAS: " + message);
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.contains("/.restores/")), "no marker left");
    }
}
