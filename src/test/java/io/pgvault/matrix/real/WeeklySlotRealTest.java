package io.pgvault.matrix.real;

import io.pgvault.errors.ErrorKind;
import io.pgvault.testing.Errors;
import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One backup per ISO week, on the real vault (Azurite): a second backup of the week is refused naming the holder
 * and the date it claimed the slot; a FAILED first attempt frees the slot so the backup can be retried the same
 * week (pgvault's decision, see {@code SupportMatrix}); concurrent runs race for the slot and exactly one proceeds.
 * Processes racing each other: {@link ConcurrentCliProcessesRealTest}.
 */
@QuarkusTest
class WeeklySlotRealTest {

    @Inject
    BackupService backups;

    @Inject
    WeekClaims weeks;

    @Inject
    VaultStore vault;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("week_app");
        TestServices.sql("week_app", "CREATE TABLE orders AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 5000) g");
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("week_app");
    }

    @Test
    void secondBackupOfTheWeekIsRefusedNamingTheHolderAndItsDate() {
        var first = backups.backup(BackupType.FULL);
        String holder = first.manifest().backupId();
        String day = first.manifest().startedAt().toString().substring(0, 10);

        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.FULL));

        Violation v = e.verdict().violationsOf("one-backup-per-week").get(0);
        assertTrue(v.evidence().contains("held by backup " + holder), v.evidence());
        assertTrue(v.evidence().contains("claimed it at " + day), "evidence names the holder's date: " + v.evidence());
        assertTrue(v.problem().contains(WeekClaims.isoWeek(first.manifest().startedAt())), v.problem());
        assertTrue(v.hint().contains("next weekly slot opens on Monday"), v.hint());
        String refusedId = Real.backupIdOf(e);
        JobRecord refused = jobs.get(Real.SERVER, "backup-" + refusedId);
        assertEquals(JobRecord.REFUSED, refused.state());
        assertTrue(refused.error().message().contains(holder), refused.error().message());
        assertEquals(List.of(holder), vault.catalog(Real.SERVER).stream().map(m -> m.backupId()).toList(),
                "the vault still holds exactly the first backup");
        assertFalse(TestServices.vaultBlobs().stream().anyMatch(n -> n.startsWith(Real.SERVER + "/" + refusedId + "/")));
    }

    @Test
    void aFailedFirstAttemptFreesTheSlotSoTheRetryOfTheSameWeekProceeds() throws Exception {
        String week = WeekClaims.isoWeek(Instant.now());
        PgvaultException failure;
        // A real failure: another session holds an ACCESS EXCLUSIVE lock, so pg_dump gives up after
        // pgvault.backup.lock-wait-timeout (PT3S in %test).
        try (Connection locker = TestServices.connect(TestServices.pgPort(), "week_app")) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            failure = assertThrows(PgvaultException.class, () -> backups.backup(BackupType.FULL));
            locker.rollback();
        }
        Errors.assertKind(ErrorKind.DUMP_FAILED, failure, failure.render());
        List<JobRecord> all = jobs.list(Real.SERVER);
        assertEquals(1, all.size());
        assertEquals(JobRecord.FAILED, all.get(0).state(), "the first attempt is recorded Failed");
        assertEquals(List.of(), Real.blobsOtherThanJobs(), "the failed attempt left no claim, file or manifest");
        assertFalse(weeks.slot(Real.SERVER, week, Instant.now()).held(), "the slot is free again");

        var retry = backups.backup(BackupType.FULL);

        assertEquals(week, retry.manifest().isoWeek(), "the retry is in the same ISO week");
        assertEquals(JobRecord.SUCCEEDED, retry.job().state());
        assertEquals(1, vault.catalog(Real.SERVER).size());
    }

    @Test
    void threeConcurrentBackupsExactlyOneProceedsTheOthersAreRefusedNamingIt() throws Exception {
        int runs = 3;
        CyclicBarrier start = new CyclicBarrier(runs);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        List<Future<BackupService.BackupResult>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return backups.backup(BackupType.FULL);
                }));
            }
            List<BackupService.BackupResult> committed = new ArrayList<>();
            List<PgvaultException> refused = new ArrayList<>();
            for (Future<BackupService.BackupResult> f : futures) {
                try {
                    committed.add(f.get(3, TimeUnit.MINUTES));
                } catch (java.util.concurrent.ExecutionException e) {
                    refused.add(assertInstanceOf(PgvaultException.class, e.getCause()));
                }
            }
            assertEquals(1, committed.size(), "exactly one run proceeds; refusals: " + refused);
            String winner = committed.get(0).manifest().backupId();
            assertEquals(runs - 1, refused.size());
            for (PgvaultException r : refused) {
                // refused by the matrix (it saw the slot taken) or by the claim (it lost the race): both name the winner
                assertTrue(r instanceof MatrixRefusedException || r.kind() == ErrorKind.CONFLICT, r.render());
                assertTrue(r.render().contains("held by backup " + winner), r.render());
            }
            assertEquals(List.of(winner), vault.catalog(Real.SERVER).stream().map(m -> m.backupId()).toList(),
                    "exactly one backup committed");
            List<JobRecord> all = jobs.list(Real.SERVER);
            assertEquals(runs, all.size(), "each run has its own job record: " + all);
            assertEquals(1, all.stream().filter(j -> j.state().equals(JobRecord.SUCCEEDED)).count());
            assertEquals(runs - 1, all.stream().filter(j -> j.state().equals(JobRecord.REFUSED)).count());
            assertEquals(runs, all.stream().map(JobRecord::backupId).distinct().count(), "distinct backup ids");
            String prefixOfLosers = Real.SERVER + "/";
            for (JobRecord j : all) {
                if (!j.backupId().equals(winner)) {
                    assertFalse(TestServices.vaultBlobs().stream().anyMatch(n -> n.startsWith(prefixOfLosers + j.backupId() + "/")),
                            "a refused run wrote no backup file");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The atomic primitive itself: eight claimers of one week at the same instant, exactly one wins. */
    @Test
    void eightSimultaneousClaimsOfOneWeekExactlyOneWins() throws Exception {
        int claimers = 8;
        Instant now = Instant.now();
        CyclicBarrier start = new CyclicBarrier(claimers);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        List<Future<WeekClaims.Claim>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < claimers; i++) {
                String backupId = BackupLayout.newBackupId(now.plusSeconds(i));
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return weeks.claim(Real.SERVER, backupId, now, abandoned -> {
                        throw new AssertionError("nothing is abandoned here: " + abandoned);
                    });
                }));
            }
            List<WeekClaims.Claim> won = new ArrayList<>();
            List<PgvaultException> lost = new ArrayList<>();
            for (Future<WeekClaims.Claim> f : futures) {
                try {
                    won.add(f.get(1, TimeUnit.MINUTES));
                } catch (java.util.concurrent.ExecutionException e) {
                    lost.add(Errors.assertKind(ErrorKind.CONFLICT, e.getCause(), "a lost claim race"));
                }
            }
            assertEquals(1, won.size(), "exactly one claim of the week wins");
            assertEquals(claimers - 1, lost.size());
            var slot = weeks.slot(Real.SERVER, WeekClaims.isoWeek(now), now);
            assertTrue(slot.held());
            for (PgvaultException c : lost) {
                assertTrue(c.render().contains("held by backup " + slot.holderBackupId()), c.render());
            }
            won.get(0).release();
            assertFalse(weeks.slot(Real.SERVER, WeekClaims.isoWeek(now), Instant.now()).held(), "released: free again");
            assertNotEquals(null, slot.claimedAt());
        } finally {
            pool.shutdownNow();
        }
    }
}
