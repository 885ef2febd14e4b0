package io.pgvault.fleet;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.jobs.JobStore;
import io.pgvault.retention.RetentionService;
import io.pgvault.retention.ServerDeletion;
import io.pgvault.testing.TestServices;
import io.pgvault.testing.VaultTap;
import io.pgvault.vault.VaultStore;
import io.pgvault.vault.WeekClaims;
import io.pgvault.verify.VerifyService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static io.pgvault.testing.Errors.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Stop protection and delete backups" never deletes past a legal hold or an unexpired immutability policy: all
 * or nothing. Azurite has neither, so — as RetentionHistoryTest does — the protection headers are added to
 * Azurite's real answers by a tap on the vault client; the backups, blobs and deletes are real.
 */
@QuarkusTest
class ServerDeletionTest {

    @Inject
    BackupService backups;

    @Inject
    ServerRegistry registry;

    @Inject
    PgvaultConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    VerifyService verifies;

    @Inject
    Clock clock;

    @Test
    void aLegalHoldOrImmutabilityPolicyOnAnyBackupKeepsThemAll() {
        TestServices.resetVault();
        registry.create(Fleet.b().checked(null));
        String id = backups.backup(registry.require(Fleet.B), BackupTrigger.CLI).manifest().backupId();
        List<String> before = TestServices.vaultBlobs();
        String until = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plus(Duration.ofDays(30)).atOffset(ZoneOffset.UTC));
        for (Map<String, String> protection : List.of(Map.of("x-ms-legal-hold", "true"),
                Map.of("x-ms-immutability-policy-until-date", until, "x-ms-immutability-policy-mode", "locked"))) {
            VaultTap tap = new VaultTap(r -> r.getHttpMethod() == HttpMethod.HEAD
                    && VaultTap.path(r).endsWith("/" + Fleet.B + "/" + id + "/manifest.json") ? protection : Map.of());
            PgvaultException e = assertKind(ErrorKind.CONFLICT, () -> deletion(tap).deleteAll(Fleet.B), protection.toString());
            assertTrue(e.problem().contains("nothing was deleted"), e.render());
            assertTrue(e.hint().contains("keepBackups: true"), e.render());
            assertEquals(before, TestServices.vaultBlobs(), "nothing deleted under " + protection);
        }
        assertEquals(List.of(id), deletion(new VaultTap()).deleteAll(Fleet.B), "without protection it goes");
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(Fleet.B + "/")));
    }

    private ServerDeletion deletion(VaultTap tap) {
        VaultStore store = tap.store(config, json);
        JobStore jobs = new JobStore(store);
        return new ServerDeletion(new RetentionService(config, store, new WeekClaims(store, config), jobs, verifies, clock),
                store, jobs, clock);
    }
}
