package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.DatabaseUnavailableException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bytea check reads every table with a bytea column. When another session holds an ACCESS EXCLUSIVE lock on
 * one (a long ALTER TABLE), the inspection gives up after {@code pgvault.backup.lock-wait-timeout} (PT3S in
 * %test) with a clear error instead of hanging the preflight and the backup forever.
 */
@QuarkusTest
class InspectionLockRealTest {

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("lock_app");
        TestServices.sql("lock_app", "CREATE TABLE blobs (id int, b bytea)", "INSERT INTO blobs VALUES (1, '\\x00')");
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("lock_app");
    }

    @Test
    void aLockedByteaTableFailsTheInspectionAfterTheLockWaitInsteadOfHanging() throws Exception {
        DatabaseUnavailableException e;
        Instant t0 = Instant.now();
        try (Connection locker = TestServices.connect(TestServices.pgPort(), "lock_app")) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE blobs IN ACCESS EXCLUSIVE MODE");
            // preemptive: without a lock timeout the inspection would wait for as long as the lock is held
            e = assertThrows(DatabaseUnavailableException.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(60), () -> backups.backup(BackupType.FULL)));
            locker.rollback();
        }
        Duration took = Duration.between(t0, Instant.now());

        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0, "it did wait the lock-wait-timeout first, took " + took);
        assertTrue(e.render().contains("database \"lock_app\""), e.render());
        assertTrue(e.render().contains("SQLSTATE 55P03"), e.render());
        assertTrue(e.render().contains("HINT: Another session holds a lock"), e.render());
        List<JobRecord> all = jobs.list(Real.SERVER);
        assertEquals(1, all.size());
        assertEquals(JobRecord.FAILED, all.get(0).state());
        assertEquals(List.of(), Real.blobsOtherThanJobs(), "no claim, no file");

        var retry = backups.backup(BackupType.FULL);
        assertEquals(JobRecord.SUCCEEDED, retry.job().state(), "once the lock is gone the backup runs");
    }
}
