package io.pgvault.backup;

import io.pgvault.catalog.CatalogService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.WeekClaims;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a backup process in the middle of its dumps, against the real PostgreSQL and Azurite: the process
 * is killed once a blob of its backup is in the vault, while pg_dump of one database waits for a table lock this
 * test holds (so "mid-backup" is certain, not a race with a fast dump). The killed backup has no manifest, so
 * the catalog never lists it; the next run, once the 15 s claim lease (%test) lapsed, records it Interrupted
 * and removes its partial files. Subclasses say which process: {@link InterruptedBackupTest},
 * {@link InterruptedPackagedBackupTest}.
 */
abstract class KilledBackupFlow {

    static final String SERVER = "test-pg";
    static final String LOCKED_DB = "killed_mid_dump";

    @Inject
    BackupService backups;

    @Inject
    WeekClaims weeks;

    @Inject
    JobStore jobs;

    @Inject
    CatalogService catalog;

    @Inject
    CommandLine.IFactory factory;

    @Test
    void aBackupKilledMidDumpIsNeverListedAndTheNextRunRecordsItInterrupted() throws Exception {
        TestServices.resetVault();
        TestServices.recreateDatabase(LOCKED_DB);
        TestServices.sql(LOCKED_DB, "CREATE TABLE big (id int, t text)",
                "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 200000) g");
        String killed;
        Path log = Files.createTempFile("pgvault-killed-backup", ".log");
        try (Connection lock = TestServices.connect(TestServices.pgPort(), LOCKED_DB)) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE big IN ACCESS EXCLUSIVE MODE");
            }
            Process child = startBackupProcess(log);
            try {
                killed = awaitFirstBlob(child, log);
                assertTrue(child.isAlive(), "the backup is still running when it is killed");
                Process kill = new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start();
                assertEquals(0, kill.waitFor(), "kill -9");
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
            } finally {
                child.destroyForcibly();
            }
            lock.rollback();
        } finally {
            // the dead JVM's pg_dump still waits on its connection: end it
            TestServices.sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + LOCKED_DB + "' AND pid <> pg_backend_pid()");
        }
        String prefix = SERVER + "/" + killed + "/";
        assertTrue(TestServices.vaultBlobs().stream().anyMatch(b -> b.startsWith(prefix)), "partial files were left");
        assertFalse(catalog.backups(SERVER).stream().anyMatch(b -> b.backupId().equals(killed)), "no manifest: not listed");
        List<String> listed = given().queryParam("server", SERVER).when().get("/backups").then().statusCode(200)
                .extract().jsonPath().getList("backupId");
        assertFalse(listed.contains(killed), "GET /api/backups hides it: " + listed);
        assertEquals(JobRecord.RUNNING, jobs.get(SERVER, "backup-" + killed).state(), "its job still says Running");

        // The next run, once the dead run's lease lapsed (15 s) and its grace (30 s) passed: bounded wait.
        String week = WeekClaims.isoWeek(Instant.now());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (weeks.slot(SERVER, week, Instant.now()).holderBackupId() != null && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
        }
        var next = backups.backup(BackupType.FULL);
        assertNotEquals(killed, next.manifest().backupId());

        JobRecord interrupted = jobs.get(SERVER, "backup-" + killed);
        assertEquals(JobRecord.INTERRUPTED, interrupted.state());
        assertTrue(interrupted.error().message().contains("interrupted before its manifest"), interrupted.error().message());
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(prefix)), "partial files removed");
        assertEquals(List.of(next.manifest().backupId()), catalog.backups(SERVER).stream().map(b -> b.backupId()).toList());
        String out = cli("jobs");
        assertTrue(out.lines().anyMatch(l -> l.startsWith("backup-" + killed) && l.contains("Interrupted")), out);
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + LOCKED_DB + " WITH (FORCE)");
    }

    /** The backup process to kill. */
    abstract ProcessBuilder backupCommand();

    Process startBackupProcess(Path log) throws Exception {
        ProcessBuilder pb = backupCommand();
        pb.environment().put("PGVAULT_SERVER_NAME", SERVER);
        pb.environment().put("PGVAULT_VAULT_CLAIM_LEASE_SECONDS", "15");
        pb.environment().put("PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT", "PT5M");
        pb.environment().put("PGVAULT_BACKUP_PARALLELISM", "2");
        pb.environment().put("PGVAULT_BACKUP_BLOCK_SIZE_BYTES", "262144");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** The id of the child's backup, once one of its files is committed in the vault (bounded: 3 minutes). */
    String awaitFirstBlob(Process child, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3)); // the child boots the whole application
        while (Instant.now().isBefore(deadline) && child.isAlive()) {
            Optional<String> file = TestServices.vaultBlobs().stream()
                    .filter(b -> b.startsWith(SERVER + "/") && !b.contains("/.")).findFirst();
            if (file.isPresent()) {
                return file.get().split("/")[1];
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no blob of the child's backup appeared; its output:\n" + Files.readString(log));
    }

    String cli(String... args) {
        Cli.Result r = Cli.run(factory, args);
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }
}
