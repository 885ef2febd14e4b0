package io.pgvault.security;

import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.restore.RestoreKit;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tampered manifest must not reach restore.sh (security issue, item 5). The old kit spliced the manifest's
 * paths, compression, server and pg_dump version into shell text ({@code pgDumpVersion = "16.4\nid > … #"} ran
 * {@code id}), and paths with {@code ..} could leave the backup's folder. Now every manifest is checked when it is
 * read, and restore.sh is a constant that reads its data from restore-data.tsv and checks every value.
 */
@QuarkusTest
class TamperedManifestTest {

    @Inject
    BackupService backups;

    @Inject
    ObjectMapper json;

    @Test
    void eachTamperedFieldIsRefusedBeforeAnythingIsWrittenToTheTarget() throws Exception {
        Path sentinel = Files.createTempDirectory("pgvault-sec").resolve("pwned");
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        String path = Restores.SERVER + "/" + m.backupId() + "/manifest.json";
        byte[] original = TestServices.vaultContainer().getBlobClient(path).downloadContent().toBytes();

        Map<String, Consumer<ObjectNode>> tampers = new LinkedHashMap<>();
        tampers.put("pgDumpVersion", d -> d.put("pgDumpVersion", "16.4\nid > " + sentinel + " #"));
        tampers.put("files[0].path", d -> file(d, 0).put("path", "../x"));
        tampers.put("files[1].path", d -> file(d, 1).put("path", "databases/../../other-pg/x.dump"));
        tampers.put("compression", d -> d.put("compression", "zstd; rm -rf ~"));
        tampers.put("files[1].compression", d -> file(d, 1).put("compression", "zstd$(touch " + sentinel + ")"));
        tampers.put("serverVersion", d -> d.put("serverVersion", "15.4`touch " + sentinel + "`"));
        tampers.put("another server", d -> d.put("server", "other-pg"));
        tampers.put("another backup", d -> d.put("backupId", "20200106T020000Z"));
        tampers.put("files[0].sha256", d -> file(d, 0).put("sha256", "0  ../../etc/passwd\n"));
        tampers.put("not a pgvault manifest", d -> d.put("files", "not a list"));

        List<String> refused = new ArrayList<>();
        try {
            for (Map.Entry<String, Consumer<ObjectNode>> t : tampers.entrySet()) {
                ObjectNode doc = (ObjectNode) json.readTree(original);
                t.getValue().accept(doc);
                TestServices.vaultContainer().getBlobClient(path).upload(BinaryData.fromBytes(json.writeValueAsBytes(doc)),
                        true);
                String container = Restores.newContainer("sec-man");
                // by id, and by "latest" (the catalog reads the same manifest)
                for (String id : List.of(m.backupId(), "latest")) {
                    String message = Restores.assertRefused(Restores.post(id, container), 500, "integrity", t.getKey());
                    assertTrue(message.contains("manifest " + path), "the manifest is named: " + message);
                    assertEquals(List.of(), Restores.blobs(container), t.getKey() + ": nothing written to the target");
                }
                refused.add(t.getKey());
            }
        } finally {
            TestServices.vaultContainer().getBlobClient(path).upload(BinaryData.fromBytes(original), true);
        }
        assertEquals(new ArrayList<>(tampers.keySet()), refused);
        assertFalse(Files.exists(sentinel), "no injected command ran");
        // the untouched manifest of the same backup restores: the refusals came from the tampering
        Restores.restore(m.backupId(), "sec-man-ok");
    }

    @Test
    void restoreShIsAConstantAndRefusesATamperedDataFileBeforeTouchingTheServer() throws Exception {
        Path sentinel = Files.createTempDirectory("pgvault-sec").resolve("pwned");
        TestServices.resetVault();
        Manifest m = backups.backup(BackupType.FULL).manifest();
        String roles = TestServices.vaultContainer().getBlobClient(Restores.SERVER + "/" + m.backupId() + "/roles.sql")
                .downloadContent().toString();
        Map<String, byte[]> kit = RestoreKit.files(m, roles.getBytes(StandardCharsets.UTF_8));
        try (var in = RestoreKit.class.getResourceAsStream("restore.sh")) {
            assertArrayEquals(in.readAllBytes(), kit.get("restore.sh"), "restore.sh is the resource, byte for byte");
        }
        String b64 = java.util.Base64.getEncoder().encodeToString("sec_db".getBytes(StandardCharsets.UTF_8));
        List<String> badLines = List.of(
                b64 + "\t../../x.dump\tnone\t-",
                b64 + "\tdatabases/0001_x.dump.zst\tzstd;touch " + sentinel + "\t-",
                "$(touch " + sentinel + ")\tdatabases/0001_x.dump\tnone\t-",
                b64 + "\tdatabases/0001_x.dump\tnone\t`touch " + sentinel + "`",
                b64 + "\tdatabases/0001_x.dump\tnone\t-\textra",
                b64 + "\tdatabases/0001_x.dump.zst\tnone\t-",
                b64 + "\tdatabases/0001_x.dump\tnone\t-\t-\textra",
                b64 + "\tdatabases/0001_x.data-1.dump\tnone\t-\tdata-1", // a data part before its pre-data
                b64 + "\tdatabases/0001_x.pre-data.dump\tnone\t-\tpost-data", // a part its file name does not name
                b64 + "\tdatabases/0001_x.pre-data.dump\tnone\t-\t$(touch " + sentinel + ")");
        int databasesBefore = Integer.parseInt(Restores.query(TestServices.targetPgPort(),
                "SELECT count(*) FROM pg_database"));
        for (String bad : badLines) {
            Path dir = Files.createTempDirectory("pgvault-sec-data");
            for (Map.Entry<String, byte[]> f : kit.entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
            Files.writeString(dir.resolve("roles.sql"), roles);
            Files.writeString(dir.resolve("restore-data.tsv"), "# tampered\n" + bad + "\n");
            var run = TestServices.run(TestServices.targetPgPort(), dir, Map.of(), "bash", "restore.sh");
            assertEquals(2, run.exit(), bad + "\n" + run.stdout() + run.stderr());
            assertTrue(run.stderr().contains("line 2 of restore-data.tsv is not valid"), run.stderr());
            assertTrue(run.stderr().contains("HINT: "), run.stderr());
            assertFalse(run.stdout().contains("creating roles"), "refused before the roles: " + run.stdout());
        }
        assertFalse(Files.exists(sentinel), "no injected command ran");
        assertEquals(String.valueOf(databasesBefore), Restores.query(TestServices.targetPgPort(),
                "SELECT count(*) FROM pg_database"), "no database was created on the target");
    }

    static ObjectNode file(ObjectNode doc, int i) {
        return (ObjectNode) doc.withArray("files").get(i);
    }
}
