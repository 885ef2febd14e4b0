package io.pgvault.matrix.real;

import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.testing.Errors;
import io.pgvault.backup.BackupService;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * Outcomes, not the clock: while the lock is held the inspection is seen waiting for it (a session of this
     * database in a Lock wait that is not the locker), and it ends — lock still held — with SQLSTATE 55P03
     * (lock_not_available), which only a lock timeout raises. Without a timeout it would wait for the lock's
     * release, which comes only after the backup returned: the bounded wait fails instead.
     */
    @Test
    void aLockedByteaTableFailsTheInspectionAfterTheLockWaitInsteadOfHanging() throws Exception {
        PgvaultException e;
        boolean sawTheWait = false;
        try (Connection locker = TestServices.connect(TestServices.pgPort(), "lock_app")) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE blobs IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> backups.backup(BackupType.FULL));
            // bounded, as every wait in the suite; not an assertion on how long the inspection took
            Instant bound = Instant.now().plus(Duration.ofMinutes(2));
            while (!run.isDone() && Instant.now().isBefore(bound)) {
                sawTheWait |= waitsForALock("lock_app");
                Thread.sleep(20);
            }
            assertTrue(run.isDone(), "the inspection still waits for the lock: it has no lock timeout");
            ExecutionException failed = assertThrows(ExecutionException.class, run::get);
            e = Errors.assertKind(ErrorKind.DATABASE_UNAVAILABLE, failed.getCause(), String.valueOf(failed.getCause()));
            assertTrue(lockStillHeld(locker), "the backup gave up while the lock was still held");
            locker.rollback();
        }

        assertTrue(sawTheWait, "the inspection waited for the lock before it gave up");
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

    /** Whether a session of {@code database} other than the caller's waits for a lock right now. */
    static boolean waitsForALock(String database) throws SQLException {
        try (Connection c = TestServices.connect(TestServices.pgPort(), "postgres");
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_stat_activity WHERE datname = ? "
                        + "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether the locker's transaction still holds its ACCESS EXCLUSIVE lock. */
    static boolean lockStillHeld(Connection locker) throws SQLException {
        try (PreparedStatement st = locker.prepareStatement("SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() "
                + "AND mode = 'AccessExclusiveLock' AND granted AND relation = 'blobs'::regclass")) {
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }
}
