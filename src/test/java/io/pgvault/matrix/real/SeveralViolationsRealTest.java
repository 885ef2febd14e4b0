package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The matrix is evaluated completely: one preflight run on a real server and vault that break several rules at
 * once — server size above a lowered limit, a real bytea value above a lowered limit, the Archive tier, an
 * incremental type, and a preview region — lists every one of them, as JSON from the Funqy {@code /preflight} and
 * as a table from {@code bin/pgvault preflight} (exit 3); the backup is refused with all of them.
 */
@QuarkusTest
@TestProfile(SeveralViolationsRealTest.Everything.class)
class SeveralViolationsRealTest {

    static final Set<String> ERRORS = Set.of("server-size", "bytea-limit", "no-archive-tier", "full-only");

    /** Lowered size and bytea limits, the Archive tier, and a preview region. */
    public static class Everything implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.matrix.max-server-size-bytes", "1000",
                    "pgvault.matrix.max-bytea-bytes", "1048576",
                    "pgvault.vault.access-tier", "Archive",
                    "pgvault.server.region", "brazilsouth",
                    "pgvault.vault.region", "brazilsouth");
        }
    }

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    @Inject
    CommandLine.IFactory factory;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("many_app");
        TestServices.sql("many_app", "CREATE TABLE docs (id int, body bytea)",
                "INSERT INTO docs VALUES (1, " + Real.byteaOf(2 * 1024 * 1024) + ")");
    }

    @AfterEach
    void cleanup() {
        Real.dropDatabases("many_app");
    }

    @Test
    void funqyPreflightListsEveryViolationAtOnce() {
        List<Map<String, String>> violations = given().queryParam("type", "incremental")
                .when().get("/preflight").then().statusCode(200).extract().path("violations");
        Set<String> errors = violations.stream().filter(v -> v.get("severity").equals("ERROR"))
                .map(v -> v.get("ruleId")).collect(Collectors.toSet());
        assertEquals(ERRORS, errors, "every broken rule in one answer: " + violations);
        assertTrue(violations.stream().anyMatch(v -> v.get("ruleId").equals("region-availability")
                && v.get("severity").equals("WARNING")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.get("evidence").contains("many_app.public.docs.body")
                && v.get("evidence").contains("(2097152 bytes)")), violations.toString());
        for (Map<String, String> v : violations) {
            assertTrue(v.get("matrixLine") != null && v.get("hint") != null && v.get("evidence") != null,
                    "each violation carries its matrix line, evidence and hint: " + v);
        }
    }

    @Test
    void cliPreflightPrintsEveryViolationAsATableAndExitsNonZero() {
        Cli.Result r = Cli.run(factory, "preflight", "--type", "incremental");

        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("Support matrix: 4 error(s), 1 warning(s); refused."), r.out());
        for (String rule : ERRORS) {
            assertTrue(r.out().contains(rule), rule + " in\n" + r.out());
        }
        assertTrue(r.out().contains("region-availability"), r.out());
        assertTrue(r.out().contains("SEVERITY") && r.out().contains("HINT"), "a table with headers:\n" + r.out());
        assertEquals(0, TestServices.vaultBlobs().size(), "preflight writes nothing");
    }

    @Test
    void theBackupIsRefusedWithEveryViolation() {
        MatrixRefusedException e = assertThrows(MatrixRefusedException.class, () -> backups.backup(BackupType.INCREMENTAL));
        Real.assertRefusedWithNothingWritten(e, jobs, "full-only");
        assertEquals(ERRORS, e.verdict().errors().stream().map(Violation::ruleId).collect(Collectors.toSet()));
        var job = jobs.get(Real.SERVER, "backup-" + Real.backupIdOf(e));
        assertEquals(4, job.violations().size(), "the job record keeps every violation: " + job.violations());
    }
}
