package io.pgvault.faults;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.backup.BackupService;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.WeekSlot;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestClock;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every fault test shares: a real backup taken in last week's slot before the fault (the "earlier backup"
 * that must come out of every fault byte-for-byte intact), the log capture and secret grep that run around
 * every test, and the assertions of a clean failure: a clear error with a HINT, a Failed job record, no
 * manifest, no partial files, and this week's slot freed (see {@link WeekClaims}: a failed run deletes its claim).
 */
@Tag("faults")
abstract class FaultTestBase {

    static final String SERVER = "test-pg";

    @Inject
    BackupService backups;

    @Inject
    VaultStore vault;

    @Inject
    WeekClaims weeks;

    @Inject
    JobStore jobs;

    @Inject
    TestClock clock;

    LogCapture logs;
    Secrets secrets;

    @BeforeEach
    void captureEverything() {
        clock.reset();
        logs = new LogCapture();
        secrets = new Secrets();
    }

    @AfterEach
    void nothingSecretAnywhere() {
        clock.reset();
        try {
            secrets.capture("log records", logs.text());
            for (String doc : vaultDocuments()) {
                secrets.capture("vault document", doc);
            }
            secrets.assertNoneIn();
        } finally {
            logs.close();
        }
    }

    /** Every JSON document in the vault (manifests, job records, week claims, restore markers). */
    static List<String> vaultDocuments() {
        List<String> out = new ArrayList<>();
        BlobContainerClient c = TestServices.vaultContainer();
        for (BlobItem item : c.listBlobs()) {
            if (item.getName().endsWith(".json")) {
                out.add(item.getName() + ": " + c.getBlobClient(item.getName()).downloadContent().toString());
            }
        }
        return out;
    }

    // ---- the earlier backup ------------------------------------------------------------------------------

    /** A committed backup as it was right after its commit: its manifest's bytes and the names under its prefix. */
    record Snapshot(String backupId, Manifest manifest, byte[] manifestBytes, TreeSet<String> blobs) {
    }

    /** Empties the vault and takes a real backup in last week's slot (the clock shifted back seven days). */
    Snapshot freshVaultWithEarlierBackup() {
        TestServices.resetVault();
        clock.shift(Duration.ofDays(-7));
        BackupService.BackupResult r;
        try {
            r = backups.backup(BackupType.FULL);
        } finally {
            clock.reset();
        }
        String id = r.manifest().backupId();
        byte[] bytes = TestServices.vaultContainer().getBlobClient(BackupLayout.manifestPath(SERVER, id))
                .downloadContent().toBytes();
        Snapshot s = new Snapshot(id, r.manifest(), bytes, blobsUnder(BackupLayout.backupPrefix(SERVER, id)));
        assertIntact(s);
        return s;
    }

    static TreeSet<String> blobsUnder(String prefix) {
        TreeSet<String> names = new TreeSet<>();
        TestServices.vaultContainer().listBlobs(new ListBlobsOptions().setPrefix(prefix), null)
                .forEach(b -> names.add(b.getName()));
        return names;
    }

    /** The earlier backup is unchanged: same manifest bytes, same blobs, each matching its SHA-256 and size. */
    static void assertIntact(Snapshot s) {
        String prefix = BackupLayout.backupPrefix(SERVER, s.backupId());
        BlobContainerClient c = TestServices.vaultContainer();
        assertArrayEquals(s.manifestBytes(), c.getBlobClient(prefix + BackupLayout.MANIFEST).downloadContent().toBytes(),
                "the manifest of earlier backup " + s.backupId() + " changed");
        assertEquals(s.blobs(), blobsUnder(prefix), "the files of earlier backup " + s.backupId() + " changed");
        for (Manifest.File f : s.manifest().files()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.getBlobClient(prefix + f.path()).downloadStream(out);
            byte[] data = out.toByteArray();
            assertEquals(f.bytes(), data.length, "size of " + f.path() + " of earlier backup " + s.backupId());
            assertEquals(f.sha256(), sha256(data), "SHA-256 of " + f.path() + " of earlier backup " + s.backupId());
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- failed runs -------------------------------------------------------------------------------------

    /** Runs a backup that must fail; returns its error. */
    PgvaultException backupFails() {
        try {
            var r = backups.backup(BackupType.FULL);
            fail("the backup should have failed but committed " + r.manifest().backupId());
            return null;
        } catch (PgvaultException e) {
            secrets.capture("backup error", e.render());
            return e;
        }
    }

    /** Starts a backup on its own thread. */
    static <T> CompletableFuture<T> async(Callable<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "fault-test-backup");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The error a background backup ended with; fails if it committed or took longer than the bound. */
    PgvaultException failureOf(CompletableFuture<?> run, Duration bound) throws Exception {
        try {
            Object r = run.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            fail("the backup should have failed but returned " + r);
            return null;
        } catch (ExecutionException e) {
            PgvaultException p = assertInstanceOf(PgvaultException.class, e.getCause(),
                    "the backup must fail with a pgvault error, not " + e.getCause());
            secrets.capture("backup error", p.render());
            return p;
        }
    }

    /** The newest backup job of this server that is not {@code except}'s. */
    JobRecord newestBackupJob(String exceptBackupId) {
        return jobs.list(SERVER).stream()
                .filter(j -> JobRecord.KIND_BACKUP.equals(j.kind()) && !j.backupId().equals(exceptBackupId))
                .findFirst().orElseThrow(() -> new AssertionError("no backup job recorded besides " + exceptBackupId));
    }

    /**
     * The whole contract of a failed backup: a {@code type} error whose message has the evidence and a HINT,
     * a Failed job record with that message, no manifest and no file under the backup's prefix, this week's slot
     * freed, and the earlier backup intact.
     */
    JobRecord assertFailedCleanly(PgvaultException e, ErrorKind kind, Snapshot earlier, String... evidence) {
        assertEquals(kind, e.kind(), "failure kind; got " + e.kind() + ": " + e.render());
        String msg = e.render();
        assertTrue(msg.contains("\nHINT: ") && e.hint() != null && !e.hint().isBlank(), "no HINT in: " + msg);
        for (String word : evidence) {
            assertTrue(msg.toLowerCase().contains(word.toLowerCase()), "'" + word + "' missing from: " + msg);
        }
        JobRecord job = newestBackupJob(earlier.backupId());
        secrets.capture("job record", String.valueOf(job));
        assertEquals(JobRecord.FAILED, job.state(), "job state of the failed backup: " + job);
        assertNotNull(job.error(), "the failed job records its error");
        assertEquals(e.code(), job.error().code());
        assertEquals(msg, job.error().message(), "the job record carries the same message as the error");
        assertNotNull(job.endedAt());
        assertFalse(vault.manifest(SERVER, job.backupId()).isPresent(), "a failed backup must have no manifest");
        assertEquals(List.of(), List.copyOf(blobsUnder(BackupLayout.backupPrefix(SERVER, job.backupId()))),
                "the failed backup's partial files must be removed");
        assertEquals(List.of(earlier.manifest()), vault.catalog(SERVER).stream().toList(),
                "the catalog holds exactly the earlier backup");
        assertSlotFree();
        assertIntact(earlier);
        // every database's exported snapshot was closed on the failure path (rolled back before the run returned)
        assertEquals(List.of(), Databases.openSnapshotSessions(), "snapshot sessions left in their transaction");
        return job;
    }

    /** This week's slot: free (a failed run deleted its claim), so the backup can be retried this week. */
    void assertSlotFree() {
        Instant now = Instant.now();
        WeekSlot slot = weeks.slot(SERVER, WeekClaims.isoWeek(now), now);
        assertFalse(slot.held(), "this week's slot must be free after a failed run, but is held by " + slot.holderBackupId());
        assertTrue(blobsUnder(SERVER + "/.weeks/" + WeekClaims.isoWeek(now)).isEmpty(), "the failed run's claim is gone");
    }

    // ---- waiting -----------------------------------------------------------------------------------------

    /** Polls until {@code condition} holds; fails after {@code bound}. */
    static void await(String what, Duration bound, BooleanSupplier condition) {
        long end = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + bound + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    static <T> T awaitValue(String what, Duration bound, java.util.function.Supplier<Optional<T>> probe) {
        Object[] box = new Object[1];
        await(what, bound, () -> probe.get().map(v -> box[0] = v).isPresent());
        @SuppressWarnings("unchecked")
        T v = (T) box[0];
        return v;
    }
}
