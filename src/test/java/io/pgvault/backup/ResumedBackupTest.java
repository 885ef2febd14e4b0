package io.pgvault.backup;

import com.azure.core.util.BinaryData;
import com.github.luben.zstd.ZstdInputStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.faults.ChildJvmMain;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 item 3, on the real PostgreSQL and Azurite with a real kill -9: a backup in its own JVM
 * ({@link ChildJvmMain}, one dump at a time) is killed once its progress record lists two committed database
 * files, while the dump of a third waits for a table lock this test holds. Between the runs one committed file is
 * overwritten in the vault (an attacker or bit rot) and that database gets a new row. The next run of the same
 * week takes the slot over and commits: the untouched file is reused with its original dump time, the tampered
 * one and the never-committed one are dumped fresh, and every database restores identical to its source.
 */
@QuarkusTest
class ResumedBackupTest {

    static final String SERVER = "test-pg";
    static final String REUSED = "resume_reused";     // largest: dumped first, then kept
    static final String TAMPERED = "resume_tampered"; // dumped second, overwritten in the vault before the next run
    static final String LOCKED = "resume_locked";     // smallest: its dump waits on a lock until the kill

    @Inject
    BackupService backups;

    @Inject
    WeekClaims weeks;

    @Inject
    JobStore jobs;

    @Test
    void theNextRunOfTheWeekReusesCheckedFilesAndDumpsTheRest() throws Exception {
        TestServices.resetVault();
        createDatabases();
        Instant killedAt;
        String killed;
        Path log = Files.createTempFile("pgvault-resumed-backup", ".log");
        try (Connection lock = TestServices.connect(TestServices.pgPort(), LOCKED)) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            }
            Process child = startBackupProcess(log);
            try {
                killed = awaitCommitted(child, log, Set.of(REUSED, TAMPERED));
                assertTrue(child.isAlive(), "the backup is still running (waiting on the lock) when it is killed");
                Process kill = new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start();
                assertEquals(0, kill.waitFor(), "kill -9");
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
                killedAt = Instant.now();
            } finally {
                child.destroyForcibly();
            }
            lock.rollback();
        } finally {
            TestServices.sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + LOCKED + "' AND pid <> pg_backend_pid()");
        }
        JsonNode recorded = progressOf(killed).orElseThrow();
        String tamperedPath = tamper(killed, recorded);
        TestServices.sql(TAMPERED, "INSERT INTO t VALUES (-1, 'written after the kill')");

        awaitSlotLapsed();
        var next = backups.backup(BackupType.FULL);
        Manifest m = next.manifest();
        assertNotEquals(killed, m.backupId());

        Manifest.File reused = file(m, REUSED);
        assertEquals(killed, reused.reusedFrom(), "the first database is reused from the killed run");
        assertEquals(fileOf(recorded, REUSED).path("sha256").asText(), reused.sha256());
        assertEquals(Instant.parse(fileOf(recorded, REUSED).path("dumpedAt").asText()), reused.dumpedAt(),
                "it keeps its original dump time");
        assertTrue(reused.dumpedAt().isBefore(killedAt), "dumped before the kill: " + reused.dumpedAt());
        for (String fresh : List.of(TAMPERED, LOCKED)) {
            Manifest.File f = file(m, fresh);
            assertNull(f.reusedFrom(), fresh + " is dumped by the new run, not reused");
            assertTrue(f.dumpedAt().isAfter(killedAt), fresh + " dumped after the kill: " + f.dumpedAt());
        }
        assertNotEquals(fileOf(recorded, TAMPERED).path("sha256").asText(), "", "the tampered file was recorded");
        assertEquals(JobRecord.INTERRUPTED, jobs.get(SERVER, "backup-" + killed).state());
        String killedPrefix = SERVER + "/" + killed + "/";
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(killedPrefix)),
                "the killed run's folder is gone once the new run committed (" + tamperedPath + " too)");
        assertFalse(TestServices.vaultBlobs().contains(BackupLayout.progressPath(SERVER, m.backupId())),
                "the committed run's progress record is removed");

        for (String db : List.of(REUSED, TAMPERED, LOCKED)) {
            assertRestoresIdentical(m, db);
        }
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + REUSED + " WITH (FORCE)",
                "DROP DATABASE IF EXISTS " + TAMPERED + " WITH (FORCE)", "DROP DATABASE IF EXISTS " + LOCKED + " WITH (FORCE)");
    }

    /** Three databases whose sizes fix the order of a one-slot backup (largest first). */
    private static void createDatabases() {
        Map<String, Integer> rows = Map.of(REUSED, 300_000, TAMPERED, 150_000, LOCKED, 100);
        rows.forEach((db, n) -> {
            TestServices.recreateDatabase(db);
            TestServices.sql(db, "CREATE TABLE t (id int PRIMARY KEY, v text)",
                    "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, " + n + ") g");
        });
    }

    private Process startBackupProcess(Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvmMain.command(List.of("backup")));
        pb.environment().put("PGVAULT_SERVER_NAME", SERVER);
        pb.environment().put("PGVAULT_VAULT_CLAIM_LEASE_SECONDS", "15");
        pb.environment().put("PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT", "PT5M");
        pb.environment().put("PGVAULT_BACKUP_PARALLELISM", "1"); // one dump at a time: the order is certain
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** The child's backup id, once its progress record lists every database of {@code wanted} (bounded: 4 min). */
    private static String awaitCommitted(Process child, Path log, Set<String> wanted) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4)); // the child boots the whole application
        while (Instant.now().isBefore(deadline) && child.isAlive()) {
            for (String b : TestServices.vaultBlobs()) {
                if (b.startsWith(SERVER + "/") && b.endsWith("/" + BackupLayout.PROGRESS)) {
                    String id = b.split("/")[1];
                    Set<String> done = new HashSet<>();
                    progressOf(id).ifPresent(p -> p.path("files").forEach(f -> done.add(f.path("database").asText())));
                    if (done.containsAll(wanted)) {
                        return id;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the child never recorded " + wanted + "; its output:\n" + Files.readString(log));
    }

    private static Optional<JsonNode> progressOf(String backupId) throws Exception {
        var blob = TestServices.vaultContainer().getBlobClient(BackupLayout.progressPath(SERVER, backupId));
        if (!blob.exists()) {
            return Optional.empty();
        }
        return Optional.of(new ObjectMapper().readTree(blob.downloadContent().toBytes()));
    }

    private static JsonNode fileOf(JsonNode progress, String db) {
        for (JsonNode f : progress.path("files")) {
            if (db.equals(f.path("database").asText())) {
                return f;
            }
        }
        throw new AssertionError(db + " not in the progress record: " + progress);
    }

    /** Overwrites the killed run's committed file of TAMPERED with other bytes of the same length. */
    private static String tamper(String killed, JsonNode recorded) {
        String path = SERVER + "/" + killed + "/" + fileOf(recorded, TAMPERED).path("path").asText();
        var blob = TestServices.vaultContainer().getBlobClient(path);
        byte[] bytes = blob.downloadContent().toBytes();
        bytes[bytes.length / 2] ^= 0x5a;
        blob.upload(BinaryData.fromBytes(bytes), true);
        return path;
    }

    /** Waits (bounded) until the dead run's lease lapsed and its grace passed: the slot can be taken over. */
    private void awaitSlotLapsed() throws InterruptedException {
        String week = WeekClaims.isoWeek(Instant.now());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (weeks.slot(SERVER, week, Instant.now()).holderBackupId() != null && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
        }
    }

    private static Manifest.File file(Manifest m, String db) {
        return m.databaseFiles().stream().filter(f -> db.equals(f.database())).findFirst()
                .orElseThrow(() -> new AssertionError(db + " not in the manifest"));
    }

    /** pg_restore of the manifest's file into the second server; plain dumps of source and restore are equal. */
    private static void assertRestoresIdentical(Manifest m, String db) throws Exception {
        Path dir = Files.createTempDirectory("pgvault-resumed");
        Path file = dir.resolve("db.dump");
        String path = SERVER + "/" + m.backupId() + "/" + file(m, db).path();
        try (InputStream in = TestServices.vaultContainer().getBlobClient(path).openInputStream();
                InputStream plain = path.endsWith(".zst") ? new ZstdInputStream(in) : in) {
            Files.copy(plain, file); // pgvault's own zstd frame around pg_dump's uncompressed archive
        }
        int target = TestServices.targetPgPort();
        TestServices.sqlOn(target, "postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db);
        var r = TestServices.run(target, dir, Map.of(), TestServices.pgBin().resolve("pg_restore").toString(),
                "--no-password", "--exit-on-error", "-d", db, file.toString());
        assertEquals(0, r.exit(), "pg_restore of " + db + ": " + r.stderr());
        assertNotNull(file(m, db).sha256());
        assertEquals(TestServices.plainDump(TestServices.pgPort(), db), TestServices.plainDump(target, db),
                "restored " + db + " differs from its source");
        TestServices.sqlOn(target, "postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
}
