package io.pgvault.matrix.real;

import io.pgvault.errors.MatrixRefusedException;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.Violation;
import io.pgvault.testing.TestServices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared helpers of the support-matrix tests on real conditions: the real PostgreSQL server (and its streaming
 * standby), the real Azurite vault, and the checks every refusal must pass (job Refused, no backup blob).
 */
public final class Real {

    /** Server name of the %test profile. */
    static final String SERVER = "test-pg";
    private static final Pattern STANDBY_PORT = Pattern.compile("(?m)^export PGVAULT_STANDBY_PORT=(\\d+)$");

    private Real() {
    }

    /**
     * Port of a real streaming standby of the test server ({@code pg_basebackup -R}). Uses PGVAULT_STANDBY_PORT
     * when the environment has it, else runs {@code scripts/services.sh standby} on the run dir (idempotent).
     */
    public static synchronized int standbyPort() {
        String fromEnv = System.getenv("PGVAULT_STANDBY_PORT");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Integer.parseInt(fromEnv);
        }
        Path runDir = Path.of(TestServices.env("PGVAULT_RUN_DIR"));
        var run = TestServices.run(TestServices.pgPort(), null, Map.of(), "bash",
                Path.of("scripts/services.sh").toAbsolutePath().toString(), "standby", runDir.toString());
        if (run.exit() != 0) {
            throw new IllegalStateException("scripts/services.sh standby failed: " + run.stderr());
        }
        try {
            Matcher m = STANDBY_PORT.matcher(Files.readString(runDir.resolve("env.sh")));
            if (!m.find()) {
                throw new IllegalStateException("env.sh names no PGVAULT_STANDBY_PORT after services.sh standby");
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a NOLOGIN role unless it exists. */
    static void ensureRole(String role) {
        TestServices.sql("postgres", "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
                + role.replace("'", "''") + "') THEN CREATE ROLE " + TestServices.ident(role) + " NOLOGIN; END IF; END$$");
    }

    static void dropDatabases(String... names) {
        for (String n : names) {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + TestServices.ident(n) + " WITH (FORCE)");
        }
    }

    /** SQL for a bytea value of exactly {@code n} bytes (0xab repeated; it compresses, its length does not change). */
    static String byteaOf(long n) {
        return "decode(repeat('ab', " + n + "), 'hex')";
    }

    /** Polls GET /restoreStatus until the restore ends (bounded: two minutes); returns its final state. */
    static String awaitRestore(String restoreId) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(120);
        String state = "";
        while (java.time.Instant.now().isBefore(deadline)) {
            state = io.restassured.RestAssured.given().queryParam("server", SERVER).queryParam("id", restoreId)
                    .when().get("/restoreStatus").then().statusCode(200).extract().path("state");
            if (!state.equals("Copying") && !state.equals("Validating")) {
                return state;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return state;
    }

    /**
     * Every vault blob that is not a job record or the server's status document (which records how the job ended):
     * what a refused backup must not have written.
     */
    static List<String> blobsOtherThanJobs() {
        return TestServices.vaultBlobs().stream().filter(n -> !n.startsWith(SERVER + "/.jobs/")
                && !n.equals(".status/" + SERVER + ".json")).toList();
    }

    /** The backup id a refusal names ("Backup 20260105T020000Z of server ..."). */
    static String backupIdOf(MatrixRefusedException e) {
        Matcher m = Pattern.compile("Backup (\\d{8}T\\d{6}Z)").matcher(e.problem());
        assertTrue(m.find(), "refusal names its backup id: " + e.problem());
        return m.group(1);
    }

    /**
     * The checks every backup refusal must pass: the violated rule is among the errors, the job is recorded
     * Refused with that violation, and nothing but job records is in the vault (no blob under the backup's
     * prefix, no week claim).
     */
    static JobRecord assertRefusedWithNothingWritten(MatrixRefusedException e, JobStore jobs, String ruleId) {
        assertTrue(e.verdict().errors().stream().map(Violation::ruleId).anyMatch(ruleId::equals),
                "the refusal carries a " + ruleId + " error: " + e.render());
        String backupId = backupIdOf(e);
        JobRecord job = jobs.get(SERVER, "backup-" + backupId);
        assertEquals(JobRecord.REFUSED, job.state(), "the refused backup's job is recorded Refused");
        assertTrue(job.violations().stream().anyMatch(v -> v.contains("[" + ruleId + "]")),
                "the job record lists the " + ruleId + " violation: " + job.violations());
        assertTrue(job.error().message().contains("HINT:"), "the job's error carries a HINT: " + job.error());
        assertEquals(List.of(), TestServices.vaultBlobs().stream()
                .filter(n -> n.startsWith(SERVER + "/" + backupId + "/")).toList(), "no blob under the backup's prefix");
        assertEquals(List.of(), blobsOtherThanJobs(), "a refused backup writes nothing but its job record (and status)");
        return job;
    }
}
