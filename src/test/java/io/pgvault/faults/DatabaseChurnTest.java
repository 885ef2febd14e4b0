package io.pgvault.faults;

import io.pgvault.errors.ErrorKind;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault 7: a database dropped or created between the inspection and its dump. One dump at a time, in name order,
 * and a table lock holding the first database's pg_dump: that is the moment after inspection in which another
 * session drops the next database, or creates a new one.
 */
@QuarkusTest
@TestProfile(DatabaseChurnTest.Serial.class)
class DatabaseChurnTest extends FaultTestBase {

    /** One dump at a time, and a lock wait long enough for the test to act while the first dump waits. */
    public static class Serial extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.backup.parallelism", "1", "pgvault.backup.lock-wait-timeout", "PT1M");
        }
    }

    // FIRST is made larger than DROPPED, so that (largest first, one at a time) it is dumped before it
    static final String FIRST = "faults_churn_a";
    static final String DROPPED = "faults_churn_b";
    static final String CREATED = "faults_churn_c";

    @AfterEach
    void dropDatabases() {
        Stream.of(FIRST, DROPPED, CREATED).forEach(Databases::dropEverywhere);
    }

    @Test
    void databaseDroppedAfterInspectionFailsTheBackupCleanlyAndARetrySucceeds() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createSmall(FIRST);
        TestServices.sql(FIRST, "CREATE TABLE filler AS SELECT g, repeat('x', 1000) AS v FROM generate_series(1, 2000) g");
        Databases.createSmall(DROPPED);
        PgvaultException e;
        try (Connection lock = Databases.lockTable(FIRST, "t")) {
            var run = async(() -> backups.backup(BackupType.FULL));
            await("the dump of " + FIRST + " to wait for its lock", Duration.ofMinutes(1),
                    () -> Databases.dumpWaitsForLock(FIRST));
            TestServices.sql("postgres", "DROP DATABASE " + DROPPED + " WITH (FORCE)");
            lock.rollback();
            e = failureOf(run, Duration.ofMinutes(2));
        }
        assertFailedCleanly(e, ErrorKind.DUMP_FAILED, earlier, "database \"" + DROPPED + "\"", "does not exist");
        assertTrue(e.hint().contains("dropped while the backup ran"), e.hint());

        Manifest retried = backups.backup(BackupType.FULL).manifest();
        assertFalse(names(retried).contains(DROPPED));
        assertTrue(names(retried).contains(FIRST));
        AzuriteOutageTest.assertCompleteBackup(retried);
        assertIntact(earlier);
    }

    @Test
    void databaseCreatedAfterInspectionIsNotInThisWeeksBackupAndTheManifestListsExactlyWhatWasDumped() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createSmall(FIRST);
        Manifest m;
        Set<String> atInspection;
        try (Connection lock = Databases.lockTable(FIRST, "t")) {
            var run = async(() -> backups.backup(BackupType.FULL));
            await("the dump of " + FIRST + " to wait for its lock", Duration.ofMinutes(1),
                    () -> Databases.dumpWaitsForLock(FIRST));
            atInspection = Databases.all();
            Databases.createSmall(CREATED);
            lock.rollback();
            m = run.get(2, java.util.concurrent.TimeUnit.MINUTES).manifest();
        }
        Set<String> inManifest = new TreeSet<>(names(m));
        m.excludedDatabases().forEach(x -> inManifest.add(x.database()));
        assertEquals(atInspection, inManifest, "every database the inspection saw is dumped or excluded, nothing else");
        assertFalse(inManifest.contains(CREATED), CREATED + " was created after the inspection");
        assertTrue(Databases.exists(CREATED));
        // exactly the listed databases have a dump file, and each file matches its checksum
        AzuriteOutageTest.assertCompleteBackup(m);
        assertEquals(m.databaseFiles().size(), blobsUnder(io.pgvault.vault.BackupLayout.backupPrefix(SERVER, m.backupId())
                + "databases/").size());
        assertIntact(earlier);
    }

    static Set<String> names(Manifest m) {
        return m.databaseFiles().stream().map(Manifest.File::database).collect(Collectors.toSet());
    }
}
