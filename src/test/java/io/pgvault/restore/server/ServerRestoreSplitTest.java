package io.pgvault.restore.server;

import com.github.luben.zstd.ZstdOutputStream;
import io.pgvault.fleet.AuthMode;
import io.pgvault.restore.RecoveryOption;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.pgvault.testing.TestServices.ident;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database stored in parts, built by hand with pg_dump's sections as a split backup stores it: pre-data, two data
 * parts (one table each way, one of them zstd-compressed as pgvault stores it), post-data (a primary key, an index
 * and a foreign key that must come after the rows). Restored into the target cluster in stage order, it equals its
 * source; a part changed in the vault after the "backup" is named in the report.
 */
@QuarkusTest
class ServerRestoreSplitTest {

    static final String SERVER = "test-pg";
    static final String DB = "sr split \"db\"";
    static final String ID = "20200106T010203Z";

    @Inject
    ServerRestore restores;

    @AfterEach
    void drop() {
        for (int port : new int[] {TestServices.pgPort(), TestServices.targetPgPort()}) {
            TestServices.sqlOn(port, "postgres", "DROP DATABASE IF EXISTS " + ident(DB) + " WITH (FORCE)");
        }
        TestServices.deleteVaultBlobs(SERVER + "/" + ID + "/");
    }

    @Test
    void aSplitDatabaseIsRestoredStageByStage() throws Exception {
        Manifest m = splitBackup();
        ServerRestoreReport r = restores.restore(SERVER, m, ServerRestoreTest.target("127.0.0.1"),
                RecoveryOption.FAIL_IF_EXISTS, null);
        assertEquals(1, r.databases().size());
        assertTrue(r.ok(), r.databases().get(0).errors().toString());
        assertEquals(m.databaseFiles().stream().mapToLong(Manifest.File::bytes).sum(), r.bytes(), "every part streamed");
        assertEquals(TestServices.plainDump(TestServices.pgPort(), DB), TestServices.plainDump(TestServices.targetPgPort(), DB));
    }

    @Test
    void aPartChangedInTheVaultIsNamed() throws Exception {
        Manifest m = splitBackup();
        Manifest.File data2 = m.databaseFiles().get(2);
        byte[] stored = TestServices.vaultContainer().getBlobClient(SERVER + "/" + ID + "/" + data2.path())
                .downloadContent().toBytes();
        stored[stored.length - 1] ^= 1; // the last byte of pg_dump's archive: still restorable, no longer the backup's
        TestServices.vaultContainer().getBlobClient(SERVER + "/" + ID + "/" + data2.path())
                .upload(com.azure.core.util.BinaryData.fromBytes(stored), true);
        ServerRestoreReport r = restores.restore(SERVER, m, ServerRestoreTest.target("127.0.0.1"),
                RecoveryOption.FAIL_IF_EXISTS, null);
        assertFalse(r.ok());
        assertTrue(r.databases().get(0).errors().stream().anyMatch(e -> e.problem().contains(data2.path())
                && e.hint().contains("verify")), r.databases().get(0).errors().toString());
    }

    /** The source database, its four parts in the vault, and the manifest that lists them. */
    private static Manifest splitBackup() throws Exception {
        TestServices.recreateDatabase(DB);
        TestServices.sql(DB, "CREATE TABLE a (id int, v text)", "CREATE TABLE \"b-2\" (id int, a_id int)",
                "INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, 2000) g",
                "INSERT INTO \"b-2\" SELECT g, g FROM generate_series(1, 2000) g",
                "ALTER TABLE a ADD PRIMARY KEY (id)", "CREATE INDEX ON \"b-2\" (a_id)",
                "ALTER TABLE \"b-2\" ADD FOREIGN KEY (a_id) REFERENCES a (id)", "CREATE SEQUENCE s START 42",
                "SELECT nextval('s')");
        List<Manifest.File> files = new ArrayList<>();
        files.add(part(0, Manifest.PART_PRE_DATA, false, "--section=pre-data"));
        files.add(part(1, "data-1", true, "--section=data", "--table=public.a"));
        files.add(part(2, "data-2", false, "--section=data", "--exclude-table=public.a"));
        files.add(part(3, Manifest.PART_POST_DATA, false, "--section=post-data"));
        Instant t = Instant.now();
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, SERVER, ID, "2020-W02", "FULL", t, t, "15", "15", "none",
                files.stream().mapToLong(Manifest.File::bytes).sum(), files, List.of(), "test", "1");
        assertEquals(3, m.databaseDumps().get(0).stages().size(), "pre-data, the data parts, post-data");
        return m;
    }

    private static Manifest.File part(int n, String part, boolean zstd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TestServices.pgBin().resolve("pg_dump").toString(), "--no-password",
                "--format=custom"));
        cmd.addAll(List.of(args));
        var env = Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(TestServices.pgPort()), "PGUSER", "postgres",
                "PGPASSWORD", TestServices.password(), "PGDATABASE", DB);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process dump = pb.start();
        byte[] archive = dump.getInputStream().readAllBytes();
        assertEquals(0, dump.waitFor(), "pg_dump " + String.join(" ", args));
        byte[] stored = zstd ? zstd(archive) : archive;
        String path = "databases/000" + n + "_sr_split_" + part + ".dump" + (zstd ? ".zst" : "");
        TestServices.vaultContainer().getBlobClient(BackupLayout.backupPrefix(SERVER, ID) + path)
                .upload(com.azure.core.util.BinaryData.fromBytes(stored), true);
        return new Manifest.File(Manifest.File.KIND_DATABASE, DB, "postgres", 0, path, stored.length,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)),
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(stored)),
                zstd ? "zstd" : "none", null, null, part, null);
    }

    private static byte[] zstd(byte[] in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(in);
        }
        return out.toByteArray();
    }
}
