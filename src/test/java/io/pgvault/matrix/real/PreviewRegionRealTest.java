package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Severity;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.VaultStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code region-availability}: server and vault in East US, where the matrix calls the feature a preview.
 * That is a WARNING: reported by preflight (JSON and CLI, which still exits 0) and by the backup, which proceeds
 * and commits on the real server and vault. Region metadata comes from config (no emulator exists for it).
 */
@QuarkusTest
@TestProfile(PreviewRegionRealTest.EastUs.class)
class PreviewRegionRealTest {

    /** Server and vault in eastus. */
    public static class EastUs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.server.region", "eastus", "pgvault.vault.region", "East US");
        }
    }

    @Inject
    BackupService backups;

    @Inject
    VaultStore vault;

    @Inject
    CommandLine.IFactory factory;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
    }

    @Test
    void aPreviewRegionIsAWarningAndTheBackupProceeds() {
        var result = backups.backup(BackupType.FULL);

        assertEquals(JobRecord.SUCCEEDED, result.job().state());
        assertTrue(vault.manifest(Real.SERVER, result.manifest().backupId()).isPresent(), "committed");
        List<Violation> warnings = result.verdict().warnings();
        assertEquals(1, warnings.size(), "one warning per distinct preview region: " + warnings);
        assertEquals(Severity.WARNING, warnings.get(0).severity());
        assertEquals("region-availability", warnings.get(0).ruleId());
        assertTrue(warnings.get(0).evidence().startsWith("server and vault region: eastus"), warnings.get(0).evidence());
        assertEquals(0, result.verdict().errors().size());
    }

    @Test
    void preflightReportsTheWarningAndTheCliExitsZero() {
        List<Map<String, String>> violations = given().when().get("/preflight").then().statusCode(200)
                .extract().path("violations");
        assertEquals(1, violations.size(), violations.toString());
        assertEquals("WARNING", violations.get(0).get("severity"));
        assertEquals("region-availability", violations.get(0).get("ruleId"));

        Cli.Result r = Cli.run(factory, "preflight");
        assertEquals(0, r.exit(), "warnings alone do not refuse: " + r.out());
        assertTrue(r.out().contains("0 error(s), 1 warning(s)"), r.out());
        assertTrue(r.out().contains("region-availability"), r.out());
    }
}
