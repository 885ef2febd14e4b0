package io.pgvault.restore;

import com.azure.core.util.BinaryData;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pgvault.restore.verify=size}: restored files are checked by size and the Content-MD5 the service
 * keeps, reading nothing back; a changed vault file still fails the restore, naming the file.
 */
@QuarkusTest
@TestProfile(VerifySizeTest.SizeProfile.class)
class VerifySizeTest {

    /** Verification by size and Content-MD5 only. */
    public static class SizeProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.restore.verify", "size");
        }
    }

    @Inject
    BackupService backups;

    static Map<String, Object> request(Manifest m, String container) {
        Map<String, Object> body = new HashMap<>();
        body.put("server", RestoreClient.SERVER);
        body.put("backupId", m.backupId());
        body.put("targetContainerUrl", RestoreClient.url(container));
        return body;
    }

    @Test
    void sizeModeReadsNothingBackAndStillCatchesAChangedFile() throws Exception {
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();

        String log;
        try (LogCapture capture = new LogCapture(Level.INFO, "io.pgvault.restore")) {
            String id = RestoreClient.accepted(request(m, RestoreClient.newContainer("vs-ok"))).getString("restoreId");
            JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
            assertEquals("Succeeded", end.getString("state"), end.prettify());
            log = capture.text();
        }
        assertTrue(log.contains("verified (size) with 0 bytes read back"), log);

        // same size, other bytes: the Content-MD5 the service computed for the new bytes gives it away
        Manifest.File victim = m.databaseFiles().get(0);
        var blob = TestServices.vaultContainer().getBlobClient(RestoreClient.SERVER + "/" + m.backupId() + "/" + victim.path());
        byte[] bytes = blob.downloadContent().toBytes();
        bytes[bytes.length - 1] ^= 0x01;
        blob.upload(BinaryData.fromBytes(bytes), true);
        JsonPath changed = RestoreClient.awaitEnd(RestoreClient.accepted(request(m, RestoreClient.newContainer("vs-md5")))
                .getString("restoreId"), Duration.ofMinutes(3));
        assertEquals("Failed", changed.getString("state"), changed.prettify());
        assertTrue(changed.getString("error.message").contains("Restored file " + victim.path() + " does not match"),
                changed.getString("error.message"));
        assertTrue(changed.getString("error.message").contains("Content-MD5"), changed.getString("error.message"));

        // a shorter file: the size gives it away
        blob.upload(BinaryData.fromBytes(Arrays.copyOf(bytes, bytes.length - 7)), true);
        JsonPath shorter = RestoreClient.awaitEnd(RestoreClient.accepted(request(m, RestoreClient.newContainer("vs-size")))
                .getString("restoreId"), Duration.ofMinutes(3));
        assertEquals("Failed", shorter.getString("state"), shorter.prettify());
        String message = shorter.getString("error.message");
        assertTrue(message.contains(victim.path()) && message.contains("restored: " + (victim.bytes() - 7) + " bytes"), message);
        assertTrue(message.contains("HINT: "), message);
        TestServices.resetVault();
    }
}
