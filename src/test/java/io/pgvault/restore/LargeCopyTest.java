package io.pgvault.restore;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
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
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file over the single-call copy limit: with {@code pgvault.restore.sync-copy-max-bytes} lowered to 1 MiB and
 * uncompressed dumps, a database dump of several MiB (stored as many staged blocks) is copied with the
 * asynchronous Copy Blob, while small files still use the synchronous Copy Blob From URL; every file is then
 * checked against the manifest's SHA-256 before the restore is Succeeded. The target is reached through a
 * {@link HoldingProxy} that records each request as sent: which copy each file got is read off the wire
 * ({@code x-ms-requires-sync: true} marks Copy Blob From URL), and so is the read-back.
 */
@QuarkusTest
@TestProfile(LargeCopyTest.AsyncCopyProfile.class)
class LargeCopyTest {

    static final String DB = "lc_big";
    static final long CAP = 1024 * 1024;
    static final String PORT_PROPERTY = "restore.tap.port";

    /**
     * The single-call limit lowered to 1 MiB; dumps stored uncompressed, so the file is as big as the dump; the
     * target may also be reached through the relay.
     */
    public static class AsyncCopyProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.restore.sync-copy-max-bytes", Long.toString(CAP),
                    "pgvault.backup.compression", "none", "pgvault.restore.allowed-endpoints",
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
    void dropDatabase() {
        relay.close();
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
        body.put("targetContainerUrl", relayEndpoint() + "/" + container + "?" + sas);
        String id = RestoreClient.accepted(body).getString("restoreId");
        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        assertEquals(m.totalBytes(), end.getLong("bytes"));

        // On the wire: one copy request per file (a PUT carrying x-ms-copy-source), asynchronous for the big file
        // and synchronous for the small ones; its source is the vault blob with a read SAS.
        String targetPrefix = "/pgvaulttarget/" + container + "/" + prefix;
        List<HoldingProxy.Request> sent = relay.requests();
        HoldingProxy.Request bigCopy = copyOf(sent, targetPrefix + big.path());
        assertEquals(null, bigCopy.header("x-ms-requires-sync"), "asynchronous Copy Blob for " + big.path() + ": " + bigCopy);
        for (Manifest.File f : m.files()) {
            if (f.bytes() <= CAP) {
                assertEquals("true", copyOf(sent, targetPrefix + f.path()).header("x-ms-requires-sync"),
                        "synchronous Copy Blob From URL for " + f.path());
            }
        }
        assertTrue(m.files().stream().anyMatch(f -> f.bytes() <= CAP), "some files take the synchronous path");
        String source = bigCopy.header("x-ms-copy-source");
        assertTrue(source.contains("sig="), "the source is read through a SAS: " + source);
        String sourceBlob = java.net.URLDecoder.decode(source.substring(0, source.indexOf('?')),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(TestServices.env("PGVAULT_AZURITE_BLOB_ENDPOINT") + "/" + TestServices.env("PGVAULT_VAULT_CONTAINER")
                + "/" + prefix + big.path(), sourceBlob, "the source is the vault blob");
        // the read SAS of an asynchronous copy lives as long as the copy may take (copy-timeout) plus 15 minutes
        RestoreClient.assertCopySourceHarmless(big.path(), source, Duration.ofHours(6).plusMinutes(16));
        // sha256 verification reads every restored file back: a GET of each
        for (Manifest.File f : m.files()) {
            assertTrue(sent.stream().anyMatch(r -> r.method().equals("GET") && r.path().equals(targetPrefix + f.path())),
                    f.path() + " was read back");
        }

        BlobClient restored = TestServices.targetContainer(container).getBlobClient(prefix + big.path());
        BlobProperties props = restored.getProperties();
        assertEquals(big.bytes(), props.getBlobSize());
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

    /** The one copy request (a PUT with x-ms-copy-source) pgvault sent for a restored blob. */
    static HoldingProxy.Request copyOf(List<HoldingProxy.Request> sent, String path) {
        List<HoldingProxy.Request> copies = sent.stream().filter(r -> r.method().equals("PUT") && r.path().equals(path)
                && r.header("x-ms-copy-source") != null).toList();
        assertEquals(1, copies.size(), "one copy request for " + path + ": " + copies);
        return copies.get(0);
    }
}
