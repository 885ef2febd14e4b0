package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Vault placement allowed across subscriptions, and rule {@code restore-placement} on a real committed backup:
 * server and vault in UK South of one tenant but different subscriptions → the backup is committed; a restore
 * target in UK West (UK South's Azure paired region) or UK South is accepted and completes; one in East US or in
 * another tenant is refused with 422 before anything is written.
 *
 * <p>Azure resource metadata has no local emulator: the {@code pgvault.server.*}/{@code pgvault.vault.*} settings and
 * the request's {@code targetRegion}/{@code targetTenantId} (pgvault's own inputs in Azure too) stand in for it.
 */
@QuarkusTest
@TestProfile(RestorePlacementRealTest.UkSouth.class)
class RestorePlacementRealTest {

    static final String TENANT = "33333333-3333-3333-3333-333333333333";

    /** Server and vault in uksouth, same tenant, different subscriptions. */
    public static class UkSouth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.server.tenant-id", TENANT,
                    "pgvault.server.subscription-id", "aaaaaaaa-0000-0000-0000-000000000001",
                    "pgvault.server.region", "uksouth",
                    "pgvault.vault.tenant-id", TENANT,
                    "pgvault.vault.subscription-id", "bbbbbbbb-0000-0000-0000-000000000002",
                    "pgvault.vault.region", "uksouth");
        }
    }

    @Inject
    BackupService backups;

    Manifest backup;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("rp_app");
        TestServices.sql("rp_app", "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
        var result = backups.backup(BackupType.FULL);
        assertEquals(JobRecord.SUCCEEDED, result.job().state(), "a vault in another subscription of the same tenant and region is fine");
        assertEquals(0, result.verdict().violations().size(), result.verdict().renderTable());
        backup = result.manifest();
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("rp_app");
    }

    @Test
    void restoreToTheAzurePairedRegionIsAcceptedAndCompletes() {
        assertEquals("Succeeded", Real.awaitRestore(restore("ukwest", null, 202).extract().path("restoreId")));
    }

    @Test
    void restoreToTheSameRegionIsAccepted() {
        assertEquals("Succeeded", Real.awaitRestore(restore("UK South", TENANT, 202).extract().path("restoreId")));
    }

    @Test
    void restoreToARegionNeitherTheSameNorPairedIsRefused() {
        restore("eastus", null, 422)
                .body("error", equalTo("matrix-refused"))
                .body("message", containsString("restore-placement"))
                .body("message", containsString("vault region uksouth; target region eastus"))
                .body("message", containsString("uksouth is paired with ukwest"))
                .body("message", containsString("HINT:"));
    }

    @Test
    void restoreToAnotherTenantIsRefused() {
        restore("uksouth", "44444444-4444-4444-4444-444444444444", 422)
                .body("message", containsString("restore-placement"))
                .body("message", containsString("another Microsoft Entra tenant"));
    }

    private io.restassured.response.ValidatableResponse restore(String region, String tenant, int status) {
        String container = "rp-" + System.nanoTime();
        String target = TestServices.newTargetContainer(container);
        Map<String, Object> body = new HashMap<>(Map.of("server", Real.SERVER, "backupId", backup.backupId(),
                "targetContainerUrl", target, "targetRegion", region));
        if (tenant != null) {
            body.put("targetTenantId", tenant);
        }
        var response = given().contentType(ContentType.JSON).body(body).when().post("/restore").then().statusCode(status);
        if (status != 202) {
            assertFalse(TestServices.targetContainer(container).listBlobs().iterator().hasNext(),
                    "a refused restore writes nothing to the target");
        }
        return response;
    }
}
