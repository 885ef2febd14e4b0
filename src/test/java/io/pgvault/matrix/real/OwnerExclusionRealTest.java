package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Exclusion;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.VaultStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owner exclusion on real roles: databases owned by the roles {@code azuresu} and {@code azure_pg_admin} are left
 * out of the backup with their reason — in the verdict, in the preflight JSON and in the committed manifest — and
 * the backup of the other databases succeeds: an exclusion is not a failure.
 */
@QuarkusTest
class OwnerExclusionRealTest {

    static final String BY_SU = "own_by_azuresu";
    static final String BY_ADMIN = "own_by_azure_pg_admin";
    static final String APP = "own_app";

    @Inject
    BackupService backups;

    @Inject
    VaultStore vault;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        Real.ensureRole("azuresu");
        Real.ensureRole("azure_pg_admin");
        Real.dropDatabases(BY_SU, BY_ADMIN, APP);
        TestServices.sql("postgres", "CREATE DATABASE " + BY_SU + " OWNER azuresu",
                "CREATE DATABASE " + BY_ADMIN + " OWNER azure_pg_admin", "CREATE DATABASE " + APP);
        for (String db : List.of(BY_SU, BY_ADMIN, APP)) {
            TestServices.sql(db, "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1)");
        }
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases(BY_SU, BY_ADMIN, APP);
    }

    @Test
    void databasesOwnedByAzureRolesAreExcludedWithReasonsAndTheBackupSucceeds() {
        var result = backups.backup(BackupType.FULL);

        assertEquals(JobRecord.SUCCEEDED, result.job().state(), "exclusion is not a failure");
        assertTrue(result.verdict().allowed());
        Map<String, Exclusion> excluded = result.verdict().selection().excluded().stream()
                .collect(Collectors.toMap(Exclusion::database, Function.identity()));
        assertEquals("azuresu", excluded.get(BY_SU).owner());
        assertTrue(excluded.get(BY_SU).reason().contains("owned by azuresu"), excluded.get(BY_SU).reason());
        assertEquals("azure_pg_admin", excluded.get(BY_ADMIN).owner());
        assertTrue(excluded.get(BY_ADMIN).reason().contains("owned by azure_pg_admin"), excluded.get(BY_ADMIN).reason());
        assertFalse(excluded.containsKey(APP));

        Manifest m = vault.manifest(Real.SERVER, result.manifest().backupId()).orElseThrow();
        Map<String, Manifest.ExcludedDatabase> inManifest = m.excludedDatabases().stream()
                .collect(Collectors.toMap(Manifest.ExcludedDatabase::database, Function.identity()));
        assertEquals("azuresu", inManifest.get(BY_SU).owner());
        assertTrue(inManifest.get(BY_SU).reason().contains("support matrix excludes"), inManifest.get(BY_SU).reason());
        assertEquals("azure_pg_admin", inManifest.get(BY_ADMIN).owner());
        List<String> dumped = m.databaseFiles().stream().map(Manifest.File::database).toList();
        assertTrue(dumped.contains(APP), "the database of an ordinary owner is backed up: " + dumped);
        assertFalse(dumped.contains(BY_SU) || dumped.contains(BY_ADMIN), "excluded databases are not dumped: " + dumped);
        assertFalse(TestServices.vaultBlobs().stream().anyMatch(n -> n.contains("own_by_")),
                "no file of an excluded database is in the vault");
    }

    @Test
    void preflightJsonListsTheExclusionsWithoutViolations() {
        List<Map<String, String>> excluded = given().when().get("/preflight").then().statusCode(200)
                .extract().path("selection.excluded");
        Map<String, String> su = excluded.stream().filter(e -> BY_SU.equals(e.get("database"))).findFirst().orElseThrow();
        assertEquals("azuresu", su.get("owner"));
        assertTrue(su.get("reason").contains("azuresu"));
        assertTrue(excluded.stream().anyMatch(e -> BY_ADMIN.equals(e.get("database"))));
        List<Map<String, String>> violations = given().when().get("/preflight").then().statusCode(200)
                .extract().path("violations");
        assertTrue(violations.stream().noneMatch(v -> String.valueOf(v.get("evidence")).contains("own_by_")),
                "an excluded database is never a violation: " + violations);
    }
}
