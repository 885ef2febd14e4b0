package io.pgvault.verify;

import io.pgvault.errors.ErrorKind;
import io.pgvault.testing.Errors;
import com.azure.core.util.BinaryData;
import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * verify on real backups in Azurite: every file read back (size, SHA-256), each dump's TOC through the real
 * {@code pg_restore --list}, the test restore into a scratch database of the real server — and files
 * tampered with, truncated or removed in the vault are reported by name.
 */
@QuarkusTest
class VerifyTest {

    static final String SCRATCH = "pgvault_verify_scratch";

    @Inject
    BackupService backups;

    @Inject
    VerifyService verifies;

    @Inject
    CommandLine.IFactory factory;

    Manifest manifest;

    @BeforeEach
    void backup() {
        TestServices.resetVault();
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + SCRATCH + " WITH (FORCE)");
        TestServices.recreateDatabase("verify_small");
        TestServices.sql("verify_small", "CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, repeat(md5(g::text), g % 20) FROM generate_series(1, 20000) g");
        manifest = backups.backup(BackupType.FULL).manifest();
    }

    /** Its database must not end up in other tests' backups. */
    @AfterAll
    static void dropDatabase() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS verify_small WITH (FORCE)");
    }

    @Test
    void verifyOverHttpReadsEveryFileBackAndTheCliExitsZero() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("server", "test-pg", "backupId", "latest", "testRestore", false))
                .when().post("/verify")
                .then().statusCode(202).extract().path("verifyId");
        JobRecord job = poll(id);
        assertEquals(JobRecord.SUCCEEDED, job.state(), () -> String.valueOf(job.error()));
        assertEquals(JobRecord.KIND_VERIFY, job.kind());
        assertEquals(manifest.backupId(), job.backupId());
        assertEquals(manifest.files().size(), job.filesDone());
        assertEquals(manifest.totalBytes(), job.bytes(), "every byte was read back");
        for (Manifest.File f : manifest.files()) {
            JobRecord.Progress p = job.progress().stream().filter(x -> x.name().equals(f.path())).findFirst().orElseThrow();
            assertEquals(JobRecord.SUCCEEDED, p.state());
            assertEquals(f.bytes(), p.bytes());
        }
        Printed cli = cli("verify", "--backup", manifest.backupId(), "--no-test-restore");
        assertEquals(0, cli.exit(), cli.out());
        assertTrue(cli.out().contains(manifest.backupId() + " verify-") && cli.out().contains("Succeeded"), cli.out());
    }

    @Test
    void tamperedAndTruncatedFilesAreReportedByName() {
        Manifest.File dump = file("verify_small");
        Manifest.File roles = manifest.files().stream().filter(f -> f.kind().equals(Manifest.File.KIND_GLOBALS))
                .findFirst().orElseThrow();
        byte[] bytes = download(dump);
        bytes[bytes.length / 2] ^= 0x5a;                        // one flipped byte, same size
        upload(dump, bytes);
        byte[] r = download(roles);
        upload(roles, Arrays.copyOf(r, r.length / 2));          // truncated

        JobRecord job = verify(manifest.backupId(), false);
        assertEquals(JobRecord.FAILED, job.state());
        assertEquals("integrity", job.error().code());
        String msg = job.error().message();
        assertTrue(msg.contains("failed verification: 2 of " + manifest.files().size()), msg);
        assertTrue(msg.contains(dump.path() + ": ") && msg.contains("sha256 "), msg);
        assertTrue(msg.contains(roles.path() + ": size " + r.length / 2 + " bytes, manifest says " + r.length + " (truncated)"), msg);
        assertTrue(msg.contains("HINT: "), msg);
        for (JobRecord.Progress p : job.progress()) {
            boolean bad = p.name().equals(dump.path()) || p.name().equals(roles.path());
            assertEquals(bad ? JobRecord.FAILED : JobRecord.SUCCEEDED, p.state(), p.name());
        }
        Printed cli = cli("verify", "--backup", "latest", "--no-test-restore");
        assertEquals(4, cli.exit(), "exit 4: a damaged backup");
        assertTrue(cli.out().contains(dump.path()), cli.out());
    }

    @Test
    void aDumpWhoseArchiveIsUnreadableFailsItsTableOfContentsCheck() {
        // Same size, valid zstd, but the archive inside is not a pg_dump archive: only pg_restore can tell.
        Manifest.File dump = file("verify_small");
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        try (var z = new com.github.luben.zstd.ZstdOutputStream(garbage)) {
            z.write("this is not a custom-format archive".repeat(100).getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        upload(dump, garbage.toByteArray());
        JobRecord job = verify(manifest.backupId(), false);
        assertEquals(JobRecord.FAILED, job.state());
        assertTrue(job.error().message().contains(dump.path() + ": size ")
                && job.error().message().contains("table of contents unreadable (pg_restore exit 1"), job.error().message());
    }

    @Test
    void aMissingFileIsReportedByName() {
        Manifest.File dump = file("verify_small");
        TestServices.vaultContainer().getBlobClient(path(dump)).delete();
        JobRecord job = verify("latest", false);
        assertEquals(JobRecord.FAILED, job.state());
        assertTrue(job.error().message().contains(dump.path() + ": missing from the vault"), job.error().message());
    }

    /**
     * Each dump's restore is proven by what it left in the scratch database before the drop, as the job record
     * states it: the tables and rows of the source database (a scratch database that was only created and
     * dropped holds none).
     */
    @Test
    void testRestoreRestoresEachDumpIntoTheScratchDatabaseAndDropsIt() {
        JobRecord job = verify("latest", true);
        assertEquals(JobRecord.SUCCEEDED, job.state(), () -> String.valueOf(job.error()));
        assertEquals("test restore into " + SCRATCH, job.target());
        assertFalse(databaseExists(SCRATCH), "the scratch database is dropped again");
        // the fixture: one table of 20000 rows
        assertEquals("restored 1 table(s) with 20000 row(s) into " + SCRATCH + ", then dropped it",
                testRestoreLine(job, file("verify_small")).detail(), job.progress().toString());
        for (Manifest.File f : manifest.databaseFiles()) {
            JobRecord.Progress line = testRestoreLine(job, f);
            assertEquals(JobRecord.SUCCEEDED, line.state(), line.toString());
            long[] source = tablesAndRows(f.database());
            assertEquals("restored " + source[0] + " table(s) with " + source[1] + " row(s) into " + SCRATCH
                    + ", then dropped it", line.detail(), "the test restore of " + f.database() + " holds its tables and rows");
        }
        assertEquals(manifest.files().size() + manifest.databaseFiles().size(), job.progress().size(),
                "a line per file and a line per test restore: " + job.progress());
    }

    /**
     * A dump pg_restore --list reads but whose restore fails: a domain's CHECK calls a function that reads another
     * table, whose data pg_restore loads after the table using the domain (pg_dump cannot see the dependency).
     * The file check passes; only the test restore finds it.
     */
    @Test
    void aDumpWhoseTableOfContentsReadsButWhoseRestoreFailsFailsTheTestRestore() {
        String db = "verify_unrestorable";
        TestServices.recreateDatabase(db);
        try {
            TestServices.sql(db, "CREATE TABLE z_allowed (v int PRIMARY KEY)", "INSERT INTO z_allowed VALUES (1), (2)",
                    "CREATE FUNCTION is_allowed(int) RETURNS boolean LANGUAGE sql STABLE "
                            + "AS 'SELECT EXISTS (SELECT 1 FROM public.z_allowed WHERE v = $1)'",
                    "CREATE DOMAIN allowed_int AS int CHECK (public.is_allowed(VALUE))",
                    "CREATE TABLE a_uses (x allowed_int)", "INSERT INTO a_uses VALUES (1), (2)");
            TestServices.resetVault(); // this week's slot is free again for a second backup
            manifest = backups.backup(BackupType.FULL).manifest();
            Manifest.File unrestorable = file(db);

            JobRecord job = verify(manifest.backupId(), true);
            assertEquals(JobRecord.FAILED, job.state(), job.toString());
            assertEquals("integrity", job.error().code());
            String msg = job.error().message();
            assertTrue(msg.contains("failed verification: 1 of " + manifest.files().size()), msg);
            assertTrue(msg.contains(unrestorable.path() + ": test restore failed: pg_restore exit 1"), msg);
            assertTrue(msg.contains("violates check constraint"), "pg_restore's own words: " + msg);
            assertTrue(msg.contains("HINT: "), msg);
            assertEquals(JobRecord.SUCCEEDED, job.progress().stream().filter(p -> p.name().equals(unrestorable.path()))
                    .findFirst().orElseThrow().state(), "its size, checksum and table of contents are good");
            JobRecord.Progress line = testRestoreLine(job, unrestorable);
            assertEquals(JobRecord.FAILED, line.state(), line.toString());
            assertFalse(databaseExists(SCRATCH), "the scratch database is dropped after a failed restore too");
        } finally {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    static JobRecord.Progress testRestoreLine(JobRecord job, Manifest.File f) {
        return job.progress().stream().filter(p -> p.name().equals("test restore of " + f.path())).findFirst()
                .orElseThrow(() -> new AssertionError("no test restore line for " + f.path() + ": " + job.progress()));
    }

    /** The ordinary tables of a source database and their rows, counted by the test. */
    static long[] tablesAndRows(String database) {
        try (var c = TestServices.connect(TestServices.pgPort(), database); var st = c.createStatement()) {
            List<String> tables = new java.util.ArrayList<>();
            // ordinary tables (partitions included, partitioned parents not: their rows are the partitions')
            try (var rs = st.executeQuery("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
                    + "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            long rows = 0;
            for (String t : tables) {
                try (var rs = st.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
            return new long[] {tables.size(), rows};
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aScratchDatabasePgvaultDidNotCreateIsNeverDropped() {
        TestServices.sql("postgres", "CREATE DATABASE " + SCRATCH);
        try {
            JobRecord job = verify("latest", true);
            assertEquals(JobRecord.FAILED, job.state());
            assertTrue(job.error().message().contains("exists and pgvault did not create it"), job.error().message());
            assertTrue(databaseExists(SCRATCH), "a database pgvault did not create is left alone");
        } finally {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + SCRATCH + " WITH (FORCE)");
        }
    }

    @Test
    void unknownBackupsAndBadRequestsAreRefusedBeforeAnyJob() {
        var missing = Errors.assertKind(ErrorKind.NOT_FOUND,
                () -> verifies.start(new VerifyRequest("test-pg", "20200101T000000Z", false)));
        assertEquals("not-found", missing.code());
        assertTrue(missing.render().contains("Backup 20200101T000000Z of server test-pg does not exist"), missing.render());
        assertTrue(missing.render().contains("HINT: "), missing.render());
        var badId = Errors.assertKind(ErrorKind.INVALID_REQUEST,
                () -> verifies.start(new VerifyRequest("test-pg", "../x", false)));
        assertEquals("invalid-request", badId.code());
        assertTrue(badId.render().contains("backup id is not valid") && badId.render().contains("HINT: "), badId.render());
        var badServer = Errors.assertKind(ErrorKind.INVALID_REQUEST,
                () -> verifies.start(new VerifyRequest("../etc", "latest", false)));
        assertEquals("invalid-request", badServer.code());
        assertTrue(badServer.render().contains("server name is not valid") && badServer.render().contains("HINT: "),
                badServer.render());
        given().contentType(ContentType.JSON).body(Map.of("server", "test-pg", "backupId", "20200101T000000Z"))
                .when().post("/verify").then().statusCode(404).body("error", org.hamcrest.Matchers.equalTo("not-found"))
                .body("message", org.hamcrest.Matchers.containsString("does not exist (no manifest)"));
        given().contentType(ContentType.JSON).body(Map.of("server", "test-pg", "backupId", "../x"))
                .when().post("/verify").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.equalTo("invalid-request"))
                .body("message", org.hamcrest.Matchers.containsString("backup id is not valid"));
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.contains("/.jobs/verify-")), "no verify job was started");
    }

    JobRecord verify(String backupId, boolean testRestore) {
        VerifyAccepted a = verifies.start(new VerifyRequest("test-pg", backupId, testRestore));
        try {
            return verifies.await("test-pg", List.of(a.verifyId()), Duration.ofMinutes(3)).get(0);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    JobRecord poll(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        JobRecord job = null;
        while (Instant.now().isBefore(deadline)) {
            job = given().queryParam("server", "test-pg").queryParam("id", id).when().get("/verifyStatus")
                    .then().statusCode(200).extract().as(JobRecord.class);
            if (job.terminal()) {
                break;
            }
            Thread.sleep(200);
        }
        return job;
    }

    Manifest.File file(String database) {
        return manifest.databaseFiles().stream().filter(f -> f.database().equals(database)).findFirst().orElseThrow();
    }

    String path(Manifest.File f) {
        return "test-pg/" + manifest.backupId() + "/" + f.path();
    }

    byte[] download(Manifest.File f) {
        return TestServices.vaultContainer().getBlobClient(path(f)).downloadContent().toBytes();
    }

    void upload(Manifest.File f, byte[] bytes) {
        TestServices.vaultContainer().getBlobClient(path(f)).upload(BinaryData.fromBytes(bytes), true);
    }

    static boolean databaseExists(String name) {
        try (var c = TestServices.connect(TestServices.pgPort(), "postgres");
                var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            return ps.executeQuery().next();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Exit code and everything a command printed (standard output, then standard error). */
    record Printed(int exit, String out) {
    }

    /** Runs a bin/pgvault command in this JVM (same services), capturing what it prints. */
    Printed cli(String... args) {
        Cli.Result r = Cli.run(factory, args);
        return new Printed(r.exit(), r.out() + r.err());
    }
}
