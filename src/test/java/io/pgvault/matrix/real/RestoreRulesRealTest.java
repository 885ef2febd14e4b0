package io.pgvault.matrix.real;

import com.azure.storage.blob.models.AccessTier;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Restore rules on a real committed backup in Azurite, over HTTP: a backup with a file in the Archive tier (set
 * with Set Blob Tier, which Azurite implements) is refused with 422 naming the file and how to rehydrate it; a
 * restore naming specific databases (item-level recovery) is refused with 422. Neither writes to the target.
 */
@QuarkusTest
class RestoreRulesRealTest {

    @Inject
    BackupService backups;

    Manifest backup;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("rr_app");
        TestServices.sql("rr_app", "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
        backup = backups.backup(BackupType.FULL).manifest();
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("rr_app");
    }

    @Test
    void restoreOfABackupWithAnArchivedFileIsRefusedWithARehydrationHint() {
        Manifest.File file = backup.databaseFiles().stream().filter(f -> f.database().equals("rr_app")).findFirst().orElseThrow();
        var blob = TestServices.vaultContainer().getBlobClient(Real.SERVER + "/" + backup.backupId() + "/" + file.path());
        blob.setAccessTier(AccessTier.ARCHIVE);
        assertEquals(AccessTier.ARCHIVE, blob.getProperties().getAccessTier(), "the vault really holds the file archived");
        String container = "rr-archived-" + System.nanoTime();
        String target = TestServices.newTargetContainer(container);

        given().contentType(ContentType.JSON)
                .body(Map.of("server", Real.SERVER, "backupId", backup.backupId(), "targetContainerUrl", target))
                .when().post("/restore")
                .then().statusCode(422)
                .body("error", equalTo("matrix-refused"))
                .body("message", containsString("restore-source-archived"))
                .body("message", containsString(file.path()))
                .body("message", containsString("Rehydrate"))
                .body("message", containsString("HINT:"));
        assertFalse(TestServices.targetContainer(container).listBlobs().iterator().hasNext(),
                "nothing was written to the target");
    }

    @Test
    void restoreNamingSpecificDatabasesIsRefused() {
        String container = "rr-items-" + System.nanoTime();
        String target = TestServices.newTargetContainer(container);

        given().contentType(ContentType.JSON)
                .body(Map.of("server", Real.SERVER, "backupId", backup.backupId(), "targetContainerUrl", target,
                        "databases", List.of("rr_app")))
                .when().post("/restore")
                .then().statusCode(422)
                .body("error", equalTo("matrix-refused"))
                .body("message", containsString("no-item-level"))
                .body("message", containsString("requested databases: rr_app"))
                .body("message", containsString("HINT:"));
        assertFalse(TestServices.targetContainer(container).listBlobs().iterator().hasNext(),
                "nothing was written to the target");
    }

    @Test
    void theSameRestoreOfTheWholeBackupIsAccepted() {
        String target = TestServices.newTargetContainer("rr-whole-" + System.nanoTime());
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("server", Real.SERVER, "backupId", backup.backupId(), "targetContainerUrl", target))
                .when().post("/restore")
                .then().statusCode(202).extract().path("restoreId");
        assertEquals("Succeeded", Real.awaitRestore(id));
    }
}
