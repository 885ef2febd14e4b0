package io.pgvault.restore;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file over the single-call copy limit: with {@code pgvault.restore.sync-copy-max-bytes} lowered to 1 MiB and
 * uncompressed dumps, a database dump of several MiB (stored as many staged blocks) is copied with the
 * asynchronous Copy Blob, while small files still use the synchronous Copy Blob From URL; every file is then
 * checked against the manifest's SHA-256 before the restore is Succeeded.
 */
@QuarkusTest
@TestProfile(LargeCopyTest.AsyncCopyProfile.class)
class LargeCopyTest {

    static final String DB = "lc_big";
    static final long CAP = 1024 * 1024;

    /** The single-call limit lowered to 1 MiB; dumps stored uncompressed, so the file is as big as the dump. */
    public static class AsyncCopyProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.restore.sync-copy-max-bytes", Long.toString(CAP),
                    "pgvault.backup.compression", "none");
        }
    }

    @Inject
    BackupService backups;

    @AfterEach
    void dropDatabase() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    @Test
    void aMultiBlockFileOverTheSyncLimitIsCopiedWithAsyncCopyBlobAndVerified() throws Exception {
        TestServices.recreateDatabase(DB);
        TestServices.sql(DB, "CREATE TABLE chunks (id int PRIMARY KEY, data bytea)",
                "INSERT INTO chunks SELECT g, (SELECT decode(string_agg(md5(random()::text || g || i), ''), 'hex') "
                        + "FROM generate_series(1, 65536) i) FROM generate_series(1, 4) g");
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        Manifest.File big = m.databaseFiles().stream().filter(f -> f.database().equals(DB)).findFirst().orElseThrow();
        Manifest.File roles = m.files().stream().filter(f -> f.path().equals("roles.sql")).findFirst().orElseThrow();
        assertEquals("none", big.compression());
        assertTrue(big.bytes() > 4 * CAP, "several times the sync-copy limit: " + big.bytes());
        assertTrue(roles.bytes() < CAP);
        String prefix = RestoreClient.SERVER + "/" + m.backupId() + "/";
        int blocks = TestServices.vaultContainer().getBlobClient(prefix + big.path()).getBlockBlobClient()
                .listBlocks(BlockListType.COMMITTED).getCommittedBlocks().size();
        assertTrue(blocks > 1, "the vault file is a multi-block blob: " + blocks + " block(s)");

        // A SAS on the target, as with a target in another account: the vault blob is then read through a SAS too.
        String container = RestoreClient.newContainer("lc");
        String sas = TestServices.targetContainer(container).generateSas(
                new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse("rcwl")));
        Map<String, Object> body = new HashMap<>();
        body.put("server", RestoreClient.SERVER);
        body.put("backupId", m.backupId());
        body.put("targetContainerUrl", RestoreClient.bare(container) + "?" + sas);
        String log;
        JsonPath end;
        try (LogCapture capture = new LogCapture(Level.FINE, "io.pgvault.restore")) {
            String id = RestoreClient.accepted(body).getString("restoreId");
            end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
            log = capture.text();
        }
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        assertEquals(m.totalBytes(), end.getLong("bytes"));
        assertTrue(log.contains("Copying " + prefix + big.path() + " (" + big.bytes() + " bytes) with asynchronous Copy Blob"),
                "the big file took the asynchronous Copy Blob path:\n" + log);
        assertFalse(log.contains("Copying " + prefix + "roles.sql"), "small files stay on the synchronous path");
        assertTrue(log.contains("verified (sha256) with " + m.totalBytes() + " bytes read back"), log);

        BlobClient restored = TestServices.targetContainer(container).getBlobClient(prefix + big.path());
        BlobProperties props = restored.getProperties();
        assertEquals(big.bytes(), props.getBlobSize());
        // the read SAS of an asynchronous copy lives as long as the copy may take (copy-timeout) plus 15 minutes
        assertTrue(props.getCopySource() == null || props.getCopySource().contains("sig="), "the source had a SAS");
        RestoreClient.assertCopySourceHarmless(big.path(), props.getCopySource(), Duration.ofHours(6).plusMinutes(16));
        // and the bytes: the test's own SHA-256 of the restored file equals the manifest's
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = restored.openInputStream()) {
            byte[] buf = new byte[1 << 20];
            int r;
            while ((r = in.read(buf)) >= 0) {
                sha.update(buf, 0, r);
            }
        }
        assertEquals(big.sha256(), HexFormat.of().formatHex(sha.digest()));
    }
}
