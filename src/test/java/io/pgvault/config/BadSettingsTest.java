package io.pgvault.config;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.ErrorKind;
import io.pgvault.errors.PgvaultException;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.Errors;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running app with three bad settings (a compression it does not know, a lease that is not a number, a boolean
 * that is neither): it starts, the preflight function answers 500 JSON naming all three with a HINT each, a backup
 * fails before it writes anything, and the functions that do not use those settings keep answering.
 */
@QuarkusTest
@TestProfile(BadSettingsTest.Profile.class)
class BadSettingsTest {

    /** The test configuration plus the three bad settings. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.backup.compression", "lz4", "pgvault.vault.claim-lease-seconds", "abc",
                    "pgvault.retention.prune-after-backup", "maybe");
        }
    }

    static final List<String> BAD = List.of("PGVAULT_BACKUP_COMPRESSION=lz4", "PGVAULT_VAULT_CLAIM_LEASE_SECONDS=abc",
            "PGVAULT_RETENTION_PRUNE_AFTER_BACKUP=maybe");

    @Inject
    BackupService backups;

    @Test
    void thePreflightFunctionAnswers500NamingEveryBadSettingWithItsHint() {
        Response r = given().when().get("/preflight");
        String body = r.asString();
        assertEquals(500, r.statusCode(), body);
        assertTrue(r.contentType().startsWith("application/json"), body);
        assertEquals("bad-setting", r.path("error"), body);
        String message = r.path("message");
        assertTrue(message.startsWith("3 app settings have values pgvault cannot use:"), message);
        for (String bad : BAD) {
            String name = bad.substring(0, bad.indexOf('='));
            assertTrue(message.contains("\n- " + bad + ": The app setting " + name), message);
            assertTrue(message.contains("HINT: Set " + name + " to "), message);
        }
        assertFalse(body.contains("\tat ") || body.contains("Exception"), body);
    }

    @Test
    void aBackupFailsBeforeItWritesAnything() {
        TestServices.vaultContainer().createIfNotExists();
        List<String> before = TestServices.vaultBlobs();
        PgvaultException e = Errors.assertKind(ErrorKind.BAD_SETTING, () -> backups.backup(BackupType.FULL));
        BAD.forEach(bad -> assertTrue(e.render().contains(bad), e.render()));
        assertEquals(before, TestServices.vaultBlobs(), "no job record, no claim, no file");
    }

    @Test
    void theOtherFunctionsStillAnswer() {
        given().queryParam("server", "test-pg").when().get("/backups").then().statusCode(200);
        given().queryParam("server", "test-pg").when().get("/jobs").then().statusCode(200);
    }
}
