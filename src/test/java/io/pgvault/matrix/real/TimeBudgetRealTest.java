package io.pgvault.matrix.real;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.matrix.Severity;
import io.pgvault.matrix.TimeBudget;
import io.pgvault.matrix.TimeBudgetFacts;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.TestClock;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code time-budget} on the real server and vault: last week's real backup is the history; with the function
 * timeout lowered to 50 ms, this week's preflight estimates from that backup's measured throughput, warns with the
 * HINT, and the backup still runs and commits. (The clock is shifted a week back for the history backup only, so it
 * does not hold this week's slot.)
 */
@QuarkusTest
@TestProfile(TimeBudgetRealTest.LowBudget.class)
class TimeBudgetRealTest {

    /** A 50 ms function timeout and the test clock. */
    public static class LowBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.backup.time-budget", "PT0.05S", "pgvault.backup.parallelism", "2");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(TestClock.class);
        }
    }

    @Inject
    BackupService backups;

    @Inject
    TestClock clock;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
        TestServices.recreateDatabase("budget_app");
        TestServices.sql("budget_app",
                "CREATE TABLE events AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 50000) g");
    }

    @AfterEach
    void cleanup() {
        clock.reset();
        Real.dropDatabases("budget_app");
    }

    @Test
    void historyMakesTheEstimateExceedALoweredBudgetAndTheBackupStillRuns() {
        clock.shift(Duration.ofDays(-7));
        Manifest last = backups.backup(BackupType.FULL).manifest();
        clock.reset();
        long bytes = last.databaseFiles().stream().mapToLong(Manifest.File::databaseSizeBytes).sum();
        TimeBudgetFacts.PastBackup past = new TimeBudgetFacts.PastBackup(last.backupId(), bytes,
                Duration.between(last.startedAt(), last.finishedAt()));
        assertTrue(past.bytesPerSecond() > 0, "the history backup is measurable: " + past);

        List<Map<String, String>> violations = given().when().get("/preflight").then().statusCode(200)
                .extract().path("violations");
        assertEquals(1, violations.size(), "only the time budget: " + violations);
        Map<String, String> w = violations.get(0);
        assertEquals("WARNING", w.get("severity"));
        assertEquals("time-budget", w.get("ruleId"));
        assertTrue(w.get("problem").contains("exceeds the function timeout of 50 ms"), w.get("problem"));
        assertTrue(w.get("evidence").contains("slowest of the last 1 backup(s) (" + last.backupId() + " "),
                "estimated from last week's backup: " + w.get("evidence"));
        assertTrue(TimeBudget.estimate(bytes, new TimeBudgetFacts(List.of(past), Duration.ofMillis(50), 2)).duration()
                .compareTo(Duration.ofMillis(50)) > 0, "the history's own estimate exceeds the budget");
        assertTrue(w.get("hint").contains("pgvault.backup.parallelism (now 2") && w.get("hint").contains("EP2/EP3"),
                w.get("hint"));

        var result = backups.backup(BackupType.FULL);
        assertEquals(JobRecord.SUCCEEDED, result.job().state(), "a warning does not stop the backup");
        List<Violation> warnings = result.verdict().warnings();
        assertEquals(List.of("time-budget"), warnings.stream().map(Violation::ruleId).toList());
        assertEquals(Severity.WARNING, warnings.get(0).severity());
        assertTrue(warnings.get(0).evidence().contains(last.backupId()), warnings.get(0).evidence());
    }
}
