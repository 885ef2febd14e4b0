package io.pgvault.faults;

import com.azure.storage.blob.models.LeaseStateType;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults 4 and 5, with a second pgvault JVM ({@link ChildJvm}): the backup process itself killed with SIGKILL
 * mid-backup, then the next runs; and two backups started at once in two JVMs.
 */
@QuarkusTest
@TestProfile(ProcessFaultsTest.ShortLease.class)
class ProcessFaultsTest extends FaultTestBase {

    /**
     * The shortest week-claim lease Azure allows ({@code pgvault.vault.claim-lease-seconds} = 15), so that a dead
     * run's slot is taken over 30 s after its claim instead of 2 minutes.
     */
    public static class ShortLease extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return SHORT_LEASE;
        }
    }

    static final Map<String, String> SHORT_LEASE = Map.of("pgvault.vault.claim-lease-seconds", "15");

    static final String BIG = "faults_proc_big";
    static final String RACE = "faults_proc_race";
    static final Pattern COMMITTED = Pattern.compile("backup (\\d{8}T\\d{6}Z) committed");

    @AfterEach
    void dropDatabases() {
        Databases.dropEverywhere(BIG);
        Databases.dropEverywhere(RACE);
    }

    /**
     * kill -9 of the backup JVM mid-stream. Documented ({@link WeekClaims}): the dead run's claim keeps the week
     * while its lease lives (a new run is refused naming it, Running), then the next run records it Interrupted,
     * removes its partial files and takes the slot: after the lease (15 s here) and the claim's grace (twice the
     * lease).
     */
    @Test
    void backupProcessKilledMidBackupIsRecordedInterruptedAndItsSlotTakenOver() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createBig(BIG, 48);
        String week = WeekClaims.isoWeek(Instant.now());
        String dead;
        try (ChildJvm child = ChildJvm.start(List.of(ChildJvm.Run.of(SHORT_LEASE, "backup")))) {
            ProcessHandle pgDump = awaitValue("the child's pg_dump of " + BIG + " copying data", Duration.ofMinutes(2),
                    () -> Databases.copyingBackend(BIG).flatMap(b -> Databases.pgDump(child.process.toHandle(), BIG)));
            dead = claimOf(week).orElseThrow(() -> new AssertionError("the running backup claimed no slot")).backupId();
            await("a file of backup " + dead + " in the vault", Duration.ofMinutes(1),
                    () -> !blobsUnder(BackupLayout.backupPrefix(SERVER, dead)).isEmpty());
            child.process.destroyForcibly(); // SIGKILL: no cleanup of any kind runs
            child.process.waitFor();
            secrets.capture("killed child JVM output", child.output());
            // its pg_dump loses its reader and ends on SIGPIPE; bounded, then killed by its id
            ProcessHandle ended = pgDump.onExit().completeOnTimeout(null, 30, java.util.concurrent.TimeUnit.SECONDS).get();
            if (ended == null && pgDump.isAlive()) {
                pgDump.destroyForcibly();
            }
        }
        assertFalse(vault.manifest(SERVER, dead).isPresent(), "a killed backup has no manifest");
        assertFalse(blobsUnder(BackupLayout.backupPrefix(SERVER, dead)).isEmpty(), "its partial files are still there");
        assertEquals(JobRecord.RUNNING, jobs.get(SERVER, "backup-" + dead).state(), "nobody recorded its end yet");

        // While the dead run's lease lives, the week is held: the next run is refused, naming it.
        PgvaultException refused = backupFails();
        assertInstanceOf(MatrixRefusedException.class, refused, refused.render());
        assertTrue(refused.render().contains(dead) && refused.render().contains("one-backup-per-week"), refused.render());
        assertTrue(refused.render().contains("\nHINT: "), refused.render());

        // The lease lapses (nobody renews it) within its 60 s...
        await("the lease of the dead run's claim to lapse", Duration.ofSeconds(90), () -> TestServices.vaultContainer()
                .getBlobClient(BackupLayout.weekClaimPath(SERVER, week)).getProperties().getLeaseState()
                != LeaseStateType.LEASED);
        // ...and once the claim is past its grace, the slot is free to take over.
        await("the dead run's slot to become free", Duration.ofMinutes(3),
                () -> !weeks.slot(SERVER, week, Instant.now()).held());
        Manifest next = backups.backup(BackupType.FULL).manifest();

        JobRecord deadJob = jobs.get(SERVER, "backup-" + dead);
        assertEquals(JobRecord.INTERRUPTED, deadJob.state(), deadJob.toString());
        assertTrue(deadJob.progress().stream().noneMatch(p -> JobRecord.RUNNING.equals(p.state())),
                "no dump of the dead run still shows Running: " + deadJob.progress());
        assertTrue(deadJob.error().message().contains("interrupted") && deadJob.error().message().contains("\nHINT: "),
                deadJob.error().message());
        assertTrue(blobsUnder(BackupLayout.backupPrefix(SERVER, dead)).isEmpty(), "the dead run's files are removed");
        assertEquals(next.backupId(), claimOf(week).orElseThrow().backupId(), "the new backup holds the week");
        assertEquals(List.of(next.backupId(), earlier.backupId()),
                vault.catalog(SERVER).stream().map(Manifest::backupId).toList());
        assertTrue(next.databaseFiles().stream().anyMatch(f -> f.database().equals(BIG)));
        assertIntact(earlier);
        assertIntact(new Snapshot(next.backupId(), next, TestServices.vaultContainer()
                .getBlobClient(BackupLayout.manifestPath(SERVER, next.backupId())).downloadContent().toBytes(),
                blobsUnder(BackupLayout.backupPrefix(SERVER, next.backupId()))));
    }

    /**
     * Two {@code bin/pgvault backup} JVMs started together. A table lock keeps whichever claims the week first
     * inside its pg_dump, so the two runs overlap whatever their start-up times: exactly one commits, the other is
     * refused naming it, and both are in the job history.
     */
    @Test
    void twoBackupJvmsAtOnceExactlyOneRunsTheOtherIsRefusedNamingIt() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        Databases.createSmall(RACE);
        Map<String, String> waitForTheLock = Map.of("pgvault.backup.lock-wait-timeout", "PT2M");
        ChildJvm a;
        ChildJvm b;
        ChildJvm winner;
        ChildJvm loser;
        try (Connection lock = Databases.lockTable(RACE, "t")) {
            a = ChildJvm.start(List.of(ChildJvm.Run.of(waitForTheLock, "backup")));
            b = ChildJvm.start(List.of(ChildJvm.Run.of(waitForTheLock, "backup")));
            await("one of the two backups to end", Duration.ofMinutes(2), () -> !a.process.isAlive() || !b.process.isAlive());
            loser = a.process.isAlive() ? b : a;
            winner = loser == a ? b : a;
            assertTrue(winner.process.isAlive(), "the other backup runs on");
            lock.rollback();
        }
        try (ChildJvm w = winner; ChildJvm l = loser) {
            int[] loserExit = l.await(Duration.ofMinutes(1));
            int[] winnerExit = w.await(Duration.ofMinutes(2));
            secrets.capture("winner output", w.output());
            secrets.capture("loser output", l.output());
            Matcher m = COMMITTED.matcher(w.output());
            assertEquals(0, winnerExit[0], w.output());
            assertTrue(m.find(), w.output());
            String id = m.group(1);
            String refusal = l.outputOf(1);
            assertNotEquals(0, loserExit[0], refusal);
            assertTrue(refusal.contains(id) && (refusal.contains("one-backup-per-week")
                    || refusal.contains("already has a backup")), "the refusal names the running backup: " + refusal);
            assertTrue(refusal.contains("\nHINT: "), refusal);
            assertFalse(refusal.contains("\tat "), refusal);

            assertEquals(List.of(id, earlier.backupId()), vault.catalog(SERVER).stream().map(Manifest::backupId).toList());
            List<JobRecord> current = jobs.list(SERVER).stream()
                    .filter(j -> JobRecord.KIND_BACKUP.equals(j.kind()) && !j.backupId().equals(earlier.backupId())).toList();
            assertEquals(2, current.size(), "two runs, two job records: " + current);
            assertEquals(JobRecord.SUCCEEDED, current.stream().filter(j -> j.backupId().equals(id)).findFirst()
                    .orElseThrow().state());
            JobRecord refused = current.stream().filter(j -> !j.backupId().equals(id)).findFirst().orElseThrow();
            assertEquals(JobRecord.REFUSED, refused.state(), refused.toString());
            assertFalse(vault.manifest(SERVER, refused.backupId()).isPresent());
            assertTrue(blobsUnder(BackupLayout.backupPrefix(SERVER, refused.backupId())).isEmpty());
            assertIntact(earlier);
        }
    }

    Optional<WeekClaims.ClaimDocument> claimOf(String week) {
        return vault.readJson(BackupLayout.weekClaimPath(SERVER, week), WeekClaims.ClaimDocument.class)
                .map(VaultStore.Versioned::value);
    }
}
