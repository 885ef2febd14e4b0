package io.pgvault.restore;

import com.azure.core.util.BinaryData;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.HoldingProxy;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pgvault.restore.verify=size}: restored files are checked by size and the Content-MD5 the service
 * keeps, reading nothing back; a changed vault file still fails the restore, naming the file. The target is
 * reached through a {@link HoldingProxy} that records every request pgvault sends it: no GET of a restored file.
 */
@QuarkusTest
@TestProfile(VerifySizeTest.SizeProfile.class)
class VerifySizeTest {

    static final String PORT_PROPERTY = "restore.tap.port";

    /** Verification by size and Content-MD5 only; the target may also be reached through the relay. */
    public static class SizeProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.restore.verify", "size", "pgvault.restore.allowed-endpoints",
                    TestServices.env("PGVAULT_TARGET_BLOB_ENDPOINT") + "," + relayEndpoint());
        }
    }

    static String relayEndpoint() {
        return HoldingProxy.targetEndpoint(HoldingProxy.port(PORT_PROPERTY)); // the target account, relayed
    }

    @Inject
    BackupService backups;

    HoldingProxy relay;

    @BeforeEach
    void startRelay() throws IOException {
        relay = HoldingProxy.startInFrontOfAzurite(HoldingProxy.port(PORT_PROPERTY));
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    static Map<String, Object> request(Manifest m, String targetUrl) {
        Map<String, Object> body = new HashMap<>();
        body.put("server", RestoreClient.SERVER);
        body.put("backupId", m.backupId());
        body.put("targetContainerUrl", targetUrl);
        return body;
    }

    @Test
    void sizeModeReadsNothingBackAndStillCatchesAChangedFile() throws Exception {
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();

        String container = RestoreClient.newContainer("vs-ok");
        String target = relayEndpoint() + "/" + container + "?" + TestServices.targetSas(container);
        String id = RestoreClient.accepted(request(m, target)).getString("restoreId");
        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        // on the wire to the target: each file copied and its properties read, none of them downloaded
        String prefix = "/pgvaulttarget/" + container + "/" + RestoreClient.SERVER + "/" + m.backupId() + "/";
        List<HoldingProxy.Request> sent = relay.requests();
        for (Manifest.File f : m.files()) {
            List<String> methods = sent.stream().filter(r -> r.path().equals(prefix + f.path()))
                    .map(HoldingProxy.Request::method).toList();
            assertTrue(methods.contains("PUT") && methods.contains("HEAD"), f.path() + ": " + methods);
            assertFalse(methods.contains("GET"), f.path() + " was read back: " + methods);
        }
        assertTrue(sent.stream().noneMatch(r -> r.method().equals("GET") && r.path().startsWith(prefix)),
                "nothing under the restored prefix was read back: " + sent.stream().map(r -> r.method() + " " + r.path()).toList());

        // same size, other bytes: the Content-MD5 the service computed for the new bytes gives it away
        Manifest.File victim = m.databaseFiles().get(0);
        var blob = TestServices.vaultContainer().getBlobClient(RestoreClient.SERVER + "/" + m.backupId() + "/" + victim.path());
        byte[] bytes = blob.downloadContent().toBytes();
        bytes[bytes.length - 1] ^= 0x01;
        blob.upload(BinaryData.fromBytes(bytes), true);
        String md5Target = RestoreClient.url(RestoreClient.newContainer("vs-md5"));
        JsonPath changed = RestoreClient.awaitEnd(RestoreClient.accepted(request(m, md5Target))
                .getString("restoreId"), Duration.ofMinutes(3));
        assertEquals("Failed", changed.getString("state"), changed.prettify());
        assertTrue(changed.getString("error.message").contains("Restored file " + victim.path() + " does not match"),
                changed.getString("error.message"));
        assertTrue(changed.getString("error.message").contains("Content-MD5"), changed.getString("error.message"));

        // a shorter file: the size gives it away
        blob.upload(BinaryData.fromBytes(Arrays.copyOf(bytes, bytes.length - 7)), true);
        String sizeTarget = RestoreClient.url(RestoreClient.newContainer("vs-size"));
        JsonPath shorter = RestoreClient.awaitEnd(RestoreClient.accepted(request(m, sizeTarget))
                .getString("restoreId"), Duration.ofMinutes(3));
        assertEquals("Failed", shorter.getString("state"), shorter.prettify());
        String message = shorter.getString("error.message");
        assertTrue(message.contains(victim.path()) && message.contains("restored: " + (victim.bytes() - 7) + " bytes"), message);
        assertTrue(message.contains("HINT: "), message);
        TestServices.resetVault();
    }
}
