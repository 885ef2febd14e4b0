package io.pgvault.faults;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.pgvault.jobs.JobRecord;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults 2 (server unreachable before the run) and 6 (vault container missing or not writable, credentials
 * wrong): {@code bin/pgvault backup} run by a second JVM, once per misconfiguration — PostgreSQL on a closed
 * port, a wrong PostgreSQL password, a wrong vault account key, a read-only SAS, a missing vault container it
 * may not create — while this JVM holds the earlier backup. Each run must exit 1 with the failure's own error and
 * HINT and no stack trace. The PostgreSQL faults record a Failed job in the vault and free the week's slot; the
 * vault faults cannot write anything, and nothing is written in any container. The earlier backup stays intact
 * and no secret (including the wrong ones) is printed.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class ConfigFaultsTest extends FaultTestBase {

    static final int CLOSED_PORT = 1, WRONG_PASSWORD = 2, WRONG_KEY = 3, READ_ONLY = 4, MISSING_CONTAINER = 5;

    /** The child's outcome, shared by this class's tests (one JVM start for all five runs). */
    record Outcome(ChildJvm child, int[] exits, Snapshot earlier, TreeSet<String> blobsBefore, TreeSet<String> blobsAfter,
            List<String> secrets, int closedPort, String missingContainer) {
    }

    private static Outcome outcome;

    Outcome outcome() throws Exception {
        if (outcome == null) {
            Snapshot earlier = freshVaultWithEarlierBackup();
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort(); // free, and nothing listens once the socket is closed
            }
            byte[] key = new byte[64];
            new SecureRandom().nextBytes(key);
            String wrongKey = Base64.getEncoder().encodeToString(key);
            String wrongPassword = "wrong-" + Base64.getUrlEncoder().encodeToString(key).substring(0, 16);
            String readOnlySas = TestServices.blobService().generateAccountSas(new AccountSasSignatureValues(
                    OffsetDateTime.now().plusHours(1), AccountSasPermission.parse("rl"), AccountSasService.parse("b"),
                    AccountSasResourceType.parse("sco")));
            String sasConnection = "BlobEndpoint=" + TestServices.env("PGVAULT_AZURITE_BLOB_ENDPOINT")
                    + ";SharedAccessSignature=" + readOnlySas;
            String missing = "pgvault-missing-" + System.currentTimeMillis();
            String connection = TestServices.env("PGVAULT_VAULT_CONNECTION_STRING");

            TreeSet<String> before = allBlobs();
            ChildJvm child = ChildJvm.start(List.of(
                    ChildJvm.Run.of(Map.of("pgvault.pg.port", Integer.toString(closedPort)), "backup"),
                    ChildJvm.Run.of(Map.of("pgvault.pg.password", wrongPassword), "backup"),
                    ChildJvm.Run.of(Map.of("pgvault.vault.connection-string",
                            connection.replace(Secrets.azuriteKey(), wrongKey)), "backup"),
                    ChildJvm.Run.of(Map.of("pgvault.vault.connection-string", sasConnection), "backup"),
                    ChildJvm.Run.of(Map.of("pgvault.vault.connection-string", sasConnection,
                            "pgvault.vault.container", missing), "backup")));
            int[] exits = child.await(Duration.ofMinutes(3));
            outcome = new Outcome(child, exits, earlier, before, allBlobs(),
                    List.of(wrongKey, wrongPassword, readOnlySas), closedPort, missing);
        }
        outcome.secrets().forEach(secrets::add);
        secrets.capture("child JVM output", outcome.child().output());
        return outcome;
    }

    /** The common outcome of run {@code i}: exit 1, an error of {@code kind} with a HINT, no stack trace. */
    String failedRun(int i, String... words) throws Exception {
        Outcome o = outcome();
        String out = o.child().outputOf(i);
        assertEquals(1, o.exits()[i - 1], out);
        assertTrue(out.contains("\npgvault: "), "the error is printed: " + out);
        assertTrue(out.contains("\nHINT: "), "with a HINT: " + out);
        assertFalse(out.contains("\tat ") || out.contains("Exception:"), "no stack trace: " + out);
        for (String w : words) {
            assertTrue(out.contains(w), "'" + w + "' missing from: " + out);
        }
        assertIntact(o.earlier());
        return out;
    }

    @Test
    void serverUnreachableFailsWithTheDatabaseErrorAndARecordedJob() throws Exception {
        failedRun(CLOSED_PORT, "Could not inspect PostgreSQL server 127.0.0.1:" + outcome().closedPort(),
                "SQLSTATE 08001", "HINT: Check PGVAULT_PG_HOST / PGVAULT_PG_PORT");
        assertFailedJobRecorded("database-unavailable", "127.0.0.1:" + outcome().closedPort());
    }

    @Test
    void wrongPostgresPasswordFailsWithTheCredentialsHintAndARecordedJob() throws Exception {
        failedRun(WRONG_PASSWORD, "SQLSTATE 28P01", "HINT: Check PGVAULT_PG_USER / PGVAULT_PG_PASSWORD");
        assertFailedJobRecorded("database-unavailable", "28P01");
    }

    @Test
    void wrongAccountKeyIsRefusedByTheVault() throws Exception {
        failedRun(WRONG_KEY, "vault container \"pgvault\"", "status 403", "PGVAULT_VAULT_CONNECTION_STRING");
    }

    @Test
    void readOnlyVaultCannotBeWritten() throws Exception {
        failedRun(READ_ONLY, "Could not write test-pg/.jobs/", "status 403", "PGVAULT_VAULT_CONNECTION_STRING");
    }

    @Test
    void missingVaultContainerThatCannotBeCreated() throws Exception {
        String missing = outcome().missingContainer();
        failedRun(MISSING_CONTAINER, "The vault container \"" + missing + "\" does not exist", "PGVAULT_VAULT_CONTAINER");
        assertFalse(TestServices.blobService().getBlobContainerClient(missing).exists());
    }

    @Test
    void onlyTheJobRecordsOfThePostgresFaultsWereWrittenAndTheSlotIsFree() throws Exception {
        Outcome o = outcome();
        TreeSet<String> added = new TreeSet<>(o.blobsAfter());
        added.removeAll(o.blobsBefore());
        assertEquals(2, added.size(), "exactly the two Failed job records of the PostgreSQL faults: " + added);
        assertTrue(added.stream().allMatch(n -> n.startsWith("pgvault/" + SERVER + "/.jobs/backup-")), added.toString());
        TreeSet<String> removed = new TreeSet<>(o.blobsBefore());
        removed.removeAll(o.blobsAfter());
        assertEquals(new TreeSet<>(), removed, "nothing may be deleted");
        assertSlotFree();
        assertEquals(List.of(o.earlier().manifest()), vault.catalog(SERVER));
    }

    void assertFailedJobRecorded(String code, String evidence) {
        JobRecord job = jobs.list(SERVER).stream()
                .filter(j -> JobRecord.FAILED.equals(j.state()) && j.error() != null && j.error().message().contains(evidence))
                .findFirst().orElseThrow(() -> new AssertionError("no Failed job mentioning " + evidence + ": "
                        + jobs.list(SERVER)));
        assertEquals(code, job.error().code());
        assertTrue(job.error().message().contains("\nHINT: "), job.error().message());
        assertFalse(vault.manifest(SERVER, job.backupId()).isPresent());
        assertTrue(blobsUnder(BackupLayout.backupPrefix(SERVER, job.backupId())).isEmpty());
    }

    /** Every blob of every container of the Azurite account. */
    static TreeSet<String> allBlobs() {
        BlobServiceClient svc = TestServices.blobService();
        TreeSet<String> out = new TreeSet<>();
        svc.listBlobContainers().forEach(c -> svc.getBlobContainerClient(c.getName()).listBlobs()
                .forEach(b -> out.add(c.getName() + "/" + b.getName())));
        return out;
    }
}
