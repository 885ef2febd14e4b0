package io.pgvault.fleet;

import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.ServerStatus;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.BackupLayout;
import io.pgvault.vault.Manifest;
import io.pgvault.verify.VerifyAccepted;
import io.pgvault.verify.VerifyRequest;
import io.pgvault.verify.VerifyService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.pgvault.testing.Errors.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet's seam against real parts: the registry's documents in real Azurite (conditional create and update),
 * and a backup of a registered server — a second real PostgreSQL cluster — with its own connection and policy.
 */
@QuarkusTest
class RegistryTest {

    @Inject
    ServerRegistry registry;

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @Inject
    PgvaultConfig config;

    @Inject
    VerifyService verifies;

    @BeforeEach
    void emptyVault() {
        TestServices.resetVault();
    }

    @Test
    void theSettingsServerIsAReadOnlyEntryThatCannotBeRegisteredOver() {
        ServerEntry own = registry.list().get(0);
        assertEquals(config.serverName(), own.name());
        assertTrue(own.readOnly());
        assertEquals(TestServices.pgPort(), own.port());
        assertKind(ErrorKind.CONFLICT, () -> registry.create(Fleet.entry(config.serverName(), TestServices.pgPort())));
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(ServerRegistry.PREFIX)));
    }

    @Test
    void aServerIsCreatedOnceAndOfTwoConcurrentEditsOfOneVersionExactlyOneWins() throws Exception {
        ServerRegistry.Registered created = registry.create(Fleet.b().checked(null));
        assertKind(ErrorKind.CONFLICT, () -> registry.create(Fleet.b().checked(null)), "a second create");
        String etag = registry.get(Fleet.B).orElseThrow().etag();
        assertEquals(created.etag(), etag);
        List<String> compressions = List.of("gzip:1", "none");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<ServerRegistry.Registered>> edits = new ArrayList<>();
        for (String c : compressions) {
            edits.add(pool.submit(() -> {
                go.await();
                return registry.update(Fleet.withCompression(Fleet.b(), c).checked(null), etag);
            }));
        }
        go.countDown();
        List<String> winners = new ArrayList<>();
        int conflicts = 0;
        for (int i = 0; i < 2; i++) {
            try {
                winners.add(edits.get(i).get().entry().policy().compression());
            } catch (java.util.concurrent.ExecutionException e) {
                PgvaultException p = assertKind(ErrorKind.CONFLICT, e.getCause(), "the losing edit");
                assertTrue(p.hint().contains("Read it again"), p.render());
                conflicts++;
            }
        }
        pool.shutdown();
        assertEquals(1, conflicts, "exactly one edit loses");
        assertEquals(winners.get(0), registry.get(Fleet.B).orElseThrow().entry().policy().compression(),
                "the stored entry is the winner's, whole");
    }

    @Test
    void aRegisteredServerIsBackedUpWithItsOwnConnectionAndPolicyAndNoSecretIsStored() {
        String db = "fleet_b_only";
        TestServices.sqlOn(TestServices.targetPgPort(), "postgres", "DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db);
        TestServices.sqlOn(TestServices.targetPgPort(), db, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        registry.create(Fleet.withCompression(Fleet.b(), "gzip:1").checked(null));

        Manifest m = backups.backup(registry.require(Fleet.B), BackupTrigger.CLI).manifest();

        assertEquals(Fleet.B, m.server());
        assertEquals("gzip:1", m.compression(), "the entry's policy, not the settings' zstd");
        assertTrue(m.databaseFiles().stream().anyMatch(f -> f.database().equals(db)),
                "the second cluster's database is in the backup: " + m.databaseFiles());
        ServerStatus status = jobs.status(Fleet.B).orElseThrow();
        assertEquals(m.backupId(), status.lastBackup().backupId());
        assertEquals(JobState.SUCCEEDED, status.lastJob().state());
        assertTrue(status.lastBackup().bytes() > 0);
        String password = TestServices.password();
        for (String blob : TestServices.vaultBlobs()) {
            if (blob.endsWith(".json")) {
                String text = TestServices.vaultContainer().getBlobClient(blob).downloadContent().toString();
                assertFalse(text.contains(password), "password in " + blob);
            }
        }
        String stored = TestServices.vaultContainer().getBlobClient(ServerRegistry.path(Fleet.B)).downloadContent().toString();
        assertTrue(stored.contains("env:PGVAULT_PG_PASSWORD"), stored);
        assertTrue(TestServices.vaultBlobs().contains(BackupLayout.jobPath(Fleet.B, "backup-" + m.backupId())));
    }

    @Test
    void aRegisteredServerIsVerifiedWithoutATestRestoreIntoTheSettingsServer() throws Exception {
        registry.create(Fleet.b().checked(null));
        String id = backups.backup(registry.require(Fleet.B), BackupTrigger.CLI).manifest().backupId();
        PgvaultException e = assertKind(ErrorKind.INVALID_REQUEST,
                () -> verifies.start(new VerifyRequest(Fleet.B, "latest", true)));
        assertTrue(e.hint().contains("Verify without testRestore"), e.render());
        VerifyAccepted a = verifies.start(new VerifyRequest(Fleet.B, "latest", null));
        JobRecord done = verifies.await(Fleet.B, List.of(a.verifyId()), java.time.Duration.ofMinutes(2)).get(0);
        assertEquals(JobRecord.SUCCEEDED, done.state(), String.valueOf(done.error()));
        assertEquals(null, done.target(), "no test restore by default for a registered server");
        assertEquals(JobState.SUCCEEDED, jobs.status(Fleet.B).orElseThrow().verifyOf(id).orElseThrow().state(),
                "the status document holds the verify of the backup");
    }

    @Test
    void aPasswordGivenInlineIsRefusedWithoutBeingEchoedAndNothingIsStored() {
        String secret = "Sup3r-Secret-Inline-Pw";
        PgvaultException e = assertKind(ErrorKind.INVALID_REQUEST,
                () -> registry.create(Fleet.withPasswordRef(Fleet.b(), secret).checked(null)));
        assertFalse(e.render().contains(secret), e.render());
        assertTrue(e.hint().contains("Never send a password itself"), e.render());
        PgvaultException env = assertKind(ErrorKind.INVALID_REQUEST,
                () -> Fleet.withPasswordRef(Fleet.b(), "env:PGVAULT_VAULT_CONNECTION_STRING").checked(null),
                "an environment variable that holds another of pgvault's secrets");
        assertTrue(env.evidence().contains("not a password variable"), env.render());
        assertTrue(TestServices.vaultBlobs().isEmpty(), "nothing stored: " + TestServices.vaultBlobs());
    }

    @Test
    void aMissingPasswordVariableFailsTheBackupWithAHintNamingIt() {
        registry.create(Fleet.withPasswordRef(Fleet.b(), "env:PGVAULT_PG_PASSWORD_NOT_SET").checked(null));
        PgvaultException e = assertKind(ErrorKind.CONFIGURATION,
                () -> backups.backup(registry.require(Fleet.B), BackupTrigger.CLI));
        assertTrue(e.render().contains("PGVAULT_PG_PASSWORD_NOT_SET"), e.render());
        assertTrue(jobs.list(Fleet.B).stream().noneMatch(j -> j.state() == JobRecord.SUCCEEDED));
        assertTrue(new String(e.render().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("HINT"));
    }
}
