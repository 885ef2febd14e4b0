package io.pgvault.faults;

import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.HoldingProxy;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 8: a restore whose source file is deleted from the vault while it copies, and one whose target SAS
 * expires while it copies. The target is reached through a {@link HoldingProxy} that holds the first server-side
 * copy request until the test has deleted the source or seen the SAS expire. The restore must end Failed with an
 * error and a HINT in its status, leave nothing at the target that claims to be complete, leak no SAS, and leave
 * the earlier backup intact.
 */
@QuarkusTest
@TestProfile(RestoreFaultsTest.ThroughTheRelay.class)
class RestoreFaultsTest extends FaultTestBase {

    static final String SMALL = "faults_restore_db";
    static final String PORT_PROPERTY = "faults.relay.port";

    /** Restore targets may also be reached through the {@link HoldingProxy} (a second allowed endpoint). */
    public static class ThroughTheRelay extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.restore.allowed-endpoints",
                    TestServices.env("PGVAULT_TARGET_BLOB_ENDPOINT") + "," + relayEndpoint());
        }
    }

    /** The relay's endpoint; its port is chosen once per JVM (a system property: profiles and tests share it). */
    static String relayEndpoint() {
        return HoldingProxy.targetEndpoint(HoldingProxy.port(PORT_PROPERTY)); // the target account, relayed
    }

    HoldingProxy relay;

    @org.junit.jupiter.api.BeforeEach
    void startRelay() throws java.io.IOException {
        relay = HoldingProxy.startInFrontOfAzurite(HoldingProxy.port(PORT_PROPERTY));
        relay.holdCopies();
    }

    @AfterEach
    void stopRelayAndDropDatabases() {
        relay.close();
        Databases.dropEverywhere(SMALL);
    }

    /** The earlier backup, then a backup of this week: the restore's source. */
    record Source(Snapshot earlier, Manifest manifest) {
    }

    Source source() {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createSmall(SMALL);
        Manifest m = backups.backup(BackupType.FULL).manifest();
        assertTrue(m.files().size() >= 3, "roles and at least two databases: " + m.files());
        return new Source(earlier, m);
    }

    @Test
    void sourceBlobDeletedDuringTheCopyFailsTheRestoreWithAHint() throws Exception {
        Source s = source();
        String container = "faults-restore-" + System.currentTimeMillis();
        TestServices.newTargetContainer(container);
        String restoreId = startRestore(s.manifest().backupId(), relayEndpoint() + "/" + container + "?"
                + TestServices.targetSas(container));
        await("the restore's first copy", Duration.ofMinutes(1), () -> relay.heldCopies() > 0);
        // the copy has begun; a file it has not reached yet disappears from the vault
        Manifest.File last = s.manifest().files().get(s.manifest().files().size() - 1);
        TestServices.vaultContainer().getBlobClient(BackupLayout.backupPrefix(SERVER, s.manifest().backupId())
                + last.path()).delete();
        relay.release();

        JobRecord status = awaitEnd(restoreId);
        System.out.println("restore with a deleted source ended: " + status.state() + ": " + status.error());
        assertEquals(JobRecord.FAILED, status.state(), status.toString());
        // the failure names the vanished file and the vault's not-found answer, not "failed unexpectedly"
        String msg = status.error().message();
        String lastPath = BackupLayout.backupPrefix(SERVER, s.manifest().backupId()) + last.path();
        assertEquals("integrity", status.error().code(), msg);
        assertTrue(msg.contains("File " + lastPath + " of the backup is missing from the vault."), msg);
        assertTrue(msg.contains("404 BlobNotFound"), "the evidence is the vault's answer: " + msg);
        assertTrue(msg.contains("\nHINT: "), msg);
        assertEquals(s.manifest().files().size() - 1, status.filesDone(), "every file before the deleted one was "
                + "restored, and not the deleted one: " + status);
        assertNotRestoredAsComplete(container, s.manifest());
        assertIntact(s.earlier());
    }

    @Test
    void targetSasExpiringDuringTheCopyFailsTheRestoreWithAHint() throws Exception {
        Source s = source();
        String container = "faults-expiring-" + System.currentTimeMillis();
        TestServices.newTargetContainer(container);
        OffsetDateTime expiry = OffsetDateTime.now().plusSeconds(8);
        // An account SAS: main's restore checks the target with Get Container Properties, which a container SAS
        // may not call (see the report of the fault suite).
        String sas = TestServices.targetService().generateAccountSas(new com.azure.storage.common.sas.AccountSasSignatureValues(
                expiry, com.azure.storage.common.sas.AccountSasPermission.parse("rwdlac"),
                com.azure.storage.common.sas.AccountSasService.parse("b"),
                com.azure.storage.common.sas.AccountSasResourceType.parse("sco")));
        secrets.add(sas);
        String restoreId = startRestore(s.manifest().backupId(), relayEndpoint() + "/" + container + "?" + sas);
        await("the restore's first copy", Duration.ofMinutes(1), () -> relay.heldCopies() > 0);
        // the copy has begun; its SAS expires before the copy request reaches the storage account
        await("the SAS to expire", Duration.ofSeconds(30), () -> OffsetDateTime.now().isAfter(expiry.plusSeconds(1)));
        relay.release();

        JobRecord status = awaitEnd(restoreId);
        System.out.println("restore with an expired SAS ended: " + status.state() + ": " + status.error());
        assertEquals(JobRecord.FAILED, status.state(), status.toString());
        String msg = status.error().message();
        assertTrue(msg.contains("403") && msg.contains("\nHINT: "), msg);
        assertTrue(msg.contains("SAS"), "the HINT says the SAS is the cause: " + msg);
        assertNotRestoredAsComplete(container, s.manifest());
        assertIntact(s.earlier());
    }

    /** A backup that lost a file before the restore was asked for: refused before anything is copied. */
    @Test
    void backupMissingAFileIsRefusedBeforeAnyCopy() throws Exception {
        Source s = source();
        Manifest.File lost = s.manifest().databaseFiles().get(0);
        TestServices.vaultContainer().getBlobClient(BackupLayout.backupPrefix(SERVER, s.manifest().backupId())
                + lost.path()).delete();
        String container = "faults-damaged-" + System.currentTimeMillis();
        TestServices.newTargetContainer(container);
        int jobsBefore = jobs.list(SERVER).size();
        Response r = given().contentType(ContentType.JSON).body(Map.of("server", SERVER, "backupId",
                s.manifest().backupId(), "targetContainerUrl", relayEndpoint() + "/" + container + "?"
                        + TestServices.targetSas(container))).when().post("/restore");
        String body = r.asString();
        secrets.capture("restore response", body);
        System.out.println("restore of a damaged backup answered " + r.statusCode() + ": " + body);
        // a damaged backup, named as such: not the generic 500 "failed unexpectedly" of an unmapped storage error
        assertEquals(500, r.statusCode(), body);
        assertEquals("integrity", r.path("error"), body);
        String message = r.path("message");
        String lostPath = BackupLayout.backupPrefix(SERVER, s.manifest().backupId()) + lost.path();
        assertTrue(message.contains("File " + lostPath + " of the backup is missing from the vault."), message);
        assertTrue(message.contains("404 BlobNotFound"), "the evidence is the vault's answer: " + message);
        assertTrue(message.contains("\nHINT: ") && !body.contains("\tat ") && !body.contains(".java:"), body);
        assertEquals(jobsBefore, jobs.list(SERVER).size(), "no restore job started");
        assertEquals(0, relay.heldCopies(), "nothing was copied");
        assertIntact(s.earlier());
    }

    String startRestore(String backupId, String targetUrl) {
        Response r = given().contentType(ContentType.JSON)
                .body(Map.of("server", SERVER, "backupId", backupId, "targetContainerUrl", targetUrl))
                .when().post("/restore");
        secrets.capture("restore response", r.asString());
        assertEquals(202, r.statusCode(), r.asString());
        return r.path("restoreId");
    }

    JobRecord awaitEnd(String restoreId) {
        JobRecord[] last = new JobRecord[1];
        await("restore " + restoreId + " to end", Duration.ofMinutes(3), () -> {
            Response r = given().queryParam("server", SERVER).queryParam("id", restoreId).when().get("/restoreStatus");
            secrets.capture("restoreStatus", r.asString());
            assertEquals(200, r.statusCode(), r.asString());
            last[0] = r.as(JobRecord.class);
            return last[0].terminal();
        });
        return last[0];
    }

    /** A failed restore leaves no manifest and no restore kit at the target: nothing there claims to be complete. */
    static void assertNotRestoredAsComplete(String container, Manifest m) {
        String prefix = SERVER + "/" + m.backupId() + "/";
        TreeSet<String> names = new TreeSet<>();
        TestServices.targetContainer(container)
                .listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(b -> names.add(b.getName()));
        assertFalse(names.contains(prefix + BackupLayout.MANIFEST), "no manifest at the target: " + names);
        assertFalse(names.contains(prefix + "restore.sh"), "no restore kit at the target: " + names);
    }
}
