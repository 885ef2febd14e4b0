package io.pgvault.faults;

import io.pgvault.errors.ErrorKind;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults 1 and 2: pg_dump killed with SIGKILL mid-stream, pg_dump failing with a lock timeout, and the server
 * dropping pg_dump's connection mid-dump (pg_terminate_backend). Each ends in a clean failure: a HINT, a Failed
 * job, no manifest, no partial file, the week's slot free (a retry the same week succeeds), and the earlier
 * backup intact.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class DumpFaultsTest extends FaultTestBase {

    static final String BIG = "faults_dump_big";
    static final String LOCKED = "faults_dump_locked";

    @AfterEach
    void dropDatabases() {
        Databases.dropEverywhere(BIG);
        Databases.dropEverywhere(LOCKED);
    }

    @Test
    void pgDumpKilledMidStreamFailsCleanly() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createBig(BIG, 48);

        var run = async(() -> backups.backup(BackupType.FULL));
        ProcessHandle pgDump = awaitMidStream(BIG);
        pgDump.destroyForcibly(); // SIGKILL

        PgvaultException e = failureOf(run, Duration.ofMinutes(2));
        assertFailedCleanly(e, ErrorKind.DUMP_FAILED, earlier, "pg_dump", BIG, "signal 9");
    }

    @Test
    void pgDumpLockTimeoutFailsCleanlyAndTheWeekCanBeRetried() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createSmall(LOCKED);
        PgvaultException e;
        try (Connection lock = Databases.lockTable(LOCKED, "t")) {
            e = backupFails(); // pg_dump waits pgvault.backup.lock-wait-timeout (3 s in tests), then exits non-zero
            lock.rollback();
        }
        assertFailedCleanly(e, ErrorKind.DUMP_FAILED, earlier, LOCKED, "LOCK TABLE public.t", "statement timeout");
        assertTrue(e.hint().contains("PGVAULT_BACKUP_LOCK_WAIT_TIMEOUT"), e.hint());

        // the slot the failed run freed takes a backup the same week
        Manifest retried = backups.backup(BackupType.FULL).manifest();
        assertTrue(retried.databaseFiles().stream().anyMatch(f -> f.database().equals(LOCKED)));
        assertEquals(2, vault.catalog(SERVER).size());
        assertIntact(earlier);
    }

    @Test
    void connectionTerminatedMidDumpFailsCleanly() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createBig(BIG, 48);

        var run = async(() -> backups.backup(BackupType.FULL));
        ProcessHandle pgDump = awaitMidStream(BIG);
        int backend = Databases.copyingBackend(BIG).orElseThrow();
        // Freeze pg_dump so that the server ends its connection while the dump is provably unfinished.
        Databases.signal(pgDump.pid(), "STOP");
        try {
            assertTrue(Databases.terminate(backend), "pg_terminate_backend(" + backend + ")");
        } finally {
            Databases.signal(pgDump.pid(), "CONT");
        }

        PgvaultException e = failureOf(run, Duration.ofMinutes(2));
        assertFailedCleanly(e, ErrorKind.DUMP_FAILED, earlier, "pg_dump", BIG, "connection");
        assertTrue(e.hint().contains("closed the connection"), e.hint());
    }

    /**
     * Waits until pgvault's pg_dump of {@code database} copies table data and pgvault has already staged blocks of
     * its output in the vault (the blob exists only as uncommitted blocks): the dump is mid-stream.
     */
    ProcessHandle awaitMidStream(String database) {
        ProcessHandle p = awaitValue("pg_dump of " + database + " copying data", Duration.ofMinutes(1),
                () -> Databases.copyingBackend(database).flatMap(b -> Databases.pgDump(ProcessHandle.current(), database)));
        await("staged blocks of " + database + "'s dump", Duration.ofMinutes(1), () -> uncommittedDumps() > 0);
        return p;
    }

    static long uncommittedDumps() {
        return TestServices.vaultContainer().listBlobs(new ListBlobsOptions().setPrefix(SERVER + "/")
                .setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true)), null).stream()
                .filter(b -> b.getName().contains("/databases/") && b.getName().contains(BIG))
                .filter(b -> !TestServices.vaultContainer().getBlobClient(b.getName()).exists())
                .count();
    }
}
