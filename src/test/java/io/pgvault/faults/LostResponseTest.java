package io.pgvault.faults;

import com.azure.storage.blob.BlobContainerClient;
import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.WeekSlot;
import io.pgvault.testing.HoldingProxy;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.WeekClaims;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lost answer to a create-only write. The vault is reached through a {@link HoldingProxy} that forwards one
 * chosen request whole to the real Azurite, lets Azurite carry it out, then drops the connection before the
 * answer comes back. The SDK retries the request; the retry meets If-None-Match {@code *} on the blob the first
 * attempt created (409/412). Such a backup did commit, so it must end Succeeded, with its manifest in the
 * catalog, exactly one manifest, every file matching its manifest, and nothing cleaned away.
 *
 * <p>Each test asserts that the relay really lost an answer, that the SDK really sent the request again, and
 * that pgvault really met the conflict and recognised its own blob: without the fault the test fails.
 */
@QuarkusTest
@TestProfile(LostResponseTest.ThroughTheRelay.class)
class LostResponseTest extends FaultTestBase {

    static final String BIG = "faults_lost_blocklist";
    static final String PORT_PROPERTY = "faults.lost-response.port";
    static final Duration BACKUP_BOUND = Duration.ofMinutes(4);

    /** The vault is reached through the relay: the real connection string with its BlobEndpoint on the relay's port. */
    public static class ThroughTheRelay extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.vault.connection-string", HoldingProxy.relayedConnectionString(relayPort()));
        }
    }

    /** The relay's port, chosen once per JVM (a system property: the profile and the test share it). */
    static int relayPort() {
        return HoldingProxy.port(PORT_PROPERTY);
    }

    @Inject
    VerifyService verifies;

    HoldingProxy relay;

    @BeforeEach
    void startRelay() throws IOException {
        relay = HoldingProxy.startInFrontOfAzurite(relayPort());
        TestServices.resetVault();
    }

    @AfterEach
    void stopRelayAndDropDatabases() {
        relay.close();
        Databases.dropEverywhere(BIG);
    }

    @Test
    void lostAnswerToTheManifestPutStillCommitsTheBackup() throws Exception {
        relay.loseResponseOnce(head -> head.startsWith("put ") && firstLine(head).contains("/" + SERVER + "/")
                && firstLine(head).contains("/" + BackupLayout.MANIFEST));

        BackupService.BackupResult r = backupThroughTheRelay();

        String lost = assertAnswerLostAndRequestRetried("/" + BackupLayout.MANIFEST);
        assertTrue(lost.contains(r.manifest().backupId().toLowerCase(java.util.Locale.ROOT)), "the lost answer was the manifest's: " + lost);
        assertConflictMetAndRecognised("Create of " + BackupLayout.manifestPath(SERVER, r.manifest().backupId()));
        assertCommittedAndIntact(r);
    }

    @Test
    void lostAnswerToAPutBlockListStillCommitsTheDump() throws Exception {
        Databases.createBig(BIG, 2); // incompressible: several 256 KiB blocks, so Put Block + Put Block List
        relay.loseResponseOnce(head -> head.startsWith("put ") && firstLine(head).contains("comp=blocklist")
                && firstLine(head).contains("_" + BIG));

        BackupService.BackupResult r = backupThroughTheRelay();

        String lost = assertAnswerLostAndRequestRetried("comp=blocklist");
        Manifest.File dump = r.manifest().databaseFiles().stream().filter(f -> BIG.equals(f.database())).findFirst()
                .orElseThrow(() -> new AssertionError("no dump of " + BIG + " in " + r.manifest().files()));
        assertTrue(lost.contains(dump.path().toLowerCase(java.util.Locale.ROOT)), "the lost answer was the Put Block List of " + dump.path() + ": " + lost);
        assertTrue(dump.bytes() > 262_144, "the dump spans several blocks: " + dump.bytes() + " bytes");
        assertConflictMetAndRecognised("Commit of " + BackupLayout.backupPrefix(SERVER, r.manifest().backupId())
                + dump.path());
        assertCommittedAndIntact(r);

        // The dump restores: verify reads every file back and test-restores each dump into the scratch database.
        var accepted = verifies.start(new VerifyRequest(SERVER, r.manifest().backupId(), true));
        JobRecord verify = verifies.await(SERVER, List.of(accepted.verifyId()), Duration.ofMinutes(3)).get(0);
        secrets.capture("verify job", String.valueOf(verify));
        assertEquals(JobRecord.SUCCEEDED, verify.state(), "verify with test restore: " + verify);
        assertEquals(r.manifest().files().size(), verify.filesDone(), "every file verified: " + verify);
        // the dump really was restored: its line says what the restore left in the scratch database (createBig: one
        // table, 32 rows per MiB)
        JobRecord.Progress restored = verify.progress().stream()
                .filter(p -> p.name().equals("test restore of " + dump.path())).findFirst()
                .orElseThrow(() -> new AssertionError("no test restore of " + dump.path() + ": " + verify.progress()));
        assertEquals(JobRecord.SUCCEEDED, restored.state(), restored.toString());
        assertEquals("restored 1 table(s) with 64 row(s) into pgvault_verify_scratch, then dropped it", restored.detail());
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** The request line of a head, URL-decoded: the SDK sends a blob name's slashes as {@code %2f}. */
    static String firstLine(String head) {
        int eol = head.indexOf('\r');
        return decoded(eol < 0 ? head : head.substring(0, eol));
    }

    static String decoded(String requestLine) {
        return java.net.URLDecoder.decode(requestLine, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A backup through the relay, bounded: it must succeed. */
    BackupService.BackupResult backupThroughTheRelay() throws Exception {
        CompletableFuture<BackupService.BackupResult> run = async(() -> backups.backup(BackupType.FULL));
        try {
            return run.get(BACKUP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the backup must succeed although an answer was lost; it failed with: "
                    + e.getCause() + "\nrequests through the relay: " + relay.requestLines()
                    + "\nlost answers: " + relay.lostResponses(), e.getCause());
        }
    }

    /**
     * The relay lost exactly one answer, to a request whose (lower-cased, URL-decoded) line contains {@code marker},
     * and the SDK sent that same request line again afterwards (its retry). Returns the lost line, URL-decoded.
     */
    String assertAnswerLostAndRequestRetried(String marker) {
        List<String> lost = relay.lostResponses();
        System.out.println("lost answers: " + lost);
        assertEquals(1, lost.size(), "exactly one answer was lost (else the fault was not injected): " + lost);
        String line = lost.get(0);
        String decodedLine = decoded(line);
        assertTrue(decodedLine.contains(marker), decodedLine);
        List<String> seen = relay.requestLines();
        long sent = seen.stream().filter(line::equals).count();
        System.out.println("'" + line + "' sent " + sent + " time(s)");
        assertTrue(sent >= 2, "the SDK must have sent the request again after its answer was lost; it was sent "
                + sent + " time(s): " + seen);
        return decodedLine;
    }

    /** pgvault met 409/412 on the retry and recognised the blob as its own (its log says so, once). */
    void assertConflictMetAndRecognised(String what) {
        List<String> recognised = logs.lines().stream()
                .filter(l -> l.contains(what) && l.contains("an earlier attempt whose answer was lost")).toList();
        assertEquals(1, recognised.size(), "pgvault must log once that the retry of " + what
                + " met an existing blob that is its own; log:\n" + logs.text());
        String line = recognised.get(0);
        assertTrue(line.contains(" 409 ") || line.contains(" 412 "), line);
    }

    /**
     * The backup committed: its job Succeeded (as returned and as stored), its manifest is the catalog's only one,
     * exactly one manifest blob exists, its folder holds exactly the manifest's files, each matching its size and
     * SHA-256, and this week's slot is held by it.
     */
    void assertCommittedAndIntact(BackupService.BackupResult r) {
        Manifest m = r.manifest();
        String id = m.backupId();
        assertEquals(JobRecord.SUCCEEDED, r.job().state(), "job of the backup: " + r.job());
        JobRecord stored = jobs.get(SERVER, r.job().id());
        secrets.capture("job record", String.valueOf(stored));
        assertEquals(JobRecord.SUCCEEDED, stored.state(), "stored job record: " + stored);
        assertEquals(List.of(m), vault.catalog(SERVER), "the catalog holds exactly this backup");

        BlobContainerClient c = TestServices.vaultContainer();
        List<String> manifests = TestServices.vaultBlobs().stream()
                .filter(n -> n.endsWith("/" + BackupLayout.MANIFEST)).toList();
        assertEquals(List.of(BackupLayout.manifestPath(SERVER, id)), manifests, "exactly one manifest in the vault");

        String prefix = BackupLayout.backupPrefix(SERVER, id);
        TreeSet<String> expected = new TreeSet<>();
        expected.add(prefix + BackupLayout.MANIFEST);
        m.files().forEach(f -> expected.add(prefix + f.path()));
        assertEquals(expected, blobsUnder(prefix), "the backup's folder holds exactly its manifest and files");
        for (Manifest.File f : m.files()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.getBlobClient(prefix + f.path()).downloadStream(out);
            byte[] data = out.toByteArray();
            assertEquals(f.bytes(), data.length, "size of " + f.path());
            assertEquals(f.sha256(), sha256(data), "SHA-256 of " + f.path());
        }

        Instant now = Instant.now();
        WeekSlot slot = weeks.slot(SERVER, WeekClaims.isoWeek(now), now);
        assertEquals(id, slot.holderBackupId(), "this week's slot is held by the committed backup: " + slot);
    }
}
