package io.pgvault.matrix.real;

import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.testing.Cli;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule {@code full-only}: {@code bin/pgvault backup --type incremental} exists only to be refused — through the real
 * picocli command classes against the real server and vault — and the Funqy {@code /preflight?type=incremental}
 * reports the same violation; unknown type text is a 400, not a server failure.
 */
@QuarkusTest
class FullOnlyRealTest {

    @Inject
    CommandLine.IFactory factory;

    @Inject
    JobStore jobs;

    @BeforeEach
    void fixtures() {
        TestServices.resetVault();
    }

    @Test
    void backupTypeIncrementalIsRefusedClearlyWithANonZeroExitAndAHint() {
        Cli.Result r = Cli.run(factory, "backup", "--type", "incremental");

        assertEquals(3, r.exit(), "a refused backup exits 3: " + r.err());
        assertTrue(r.err().contains("refused by the support matrix"), r.err());
        assertTrue(r.err().contains("full-only"), r.err());
        assertTrue(r.err().contains("incremental backups are not"), r.err());
        assertTrue(r.err().contains("HINT:"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals("", r.out());
        List<JobRecord> all = jobs.list(Real.SERVER);
        assertEquals(1, all.size());
        assertEquals(JobRecord.REFUSED, all.get(0).state());
        assertTrue(all.get(0).violations().stream().anyMatch(v -> v.contains("[full-only]")), all.get(0).violations().toString());
        assertEquals(List.of(), Real.blobsOtherThanJobs(), "nothing but the job record was written");
    }

    @Test
    void backupTypeDifferentialIsRefusedToo() {
        Cli.Result r = Cli.run(factory, "backup", "--type", "Differential");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("differential backups are not"), r.err());
        assertEquals(List.of(), Real.blobsOtherThanJobs());
    }

    @Test
    void preflightCommandWithTypeIncrementalListsTheViolationAndExitsNonZero() {
        Cli.Result r = Cli.run(factory, "preflight", "--type", "incremental");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("full-only"), r.out());
        assertTrue(r.out().contains("; refused."), r.out());
        assertEquals(0, TestServices.vaultBlobs().size(), "preflight writes nothing");

        Cli.Result full = Cli.run(factory, "preflight");
        assertEquals(0, full.exit(), "a full backup of the test server passes: " + full.out());
        assertFalse(full.out().contains("full-only"), full.out());
    }

    @Test
    void funqyPreflightWithTypeIncrementalReportsFullOnly() {
        List<Map<String, Object>> violations = given().queryParam("type", "incremental")
                .when().get("/preflight").then().statusCode(200).extract().path("violations");
        Map<String, Object> v = violations.stream().filter(x -> "full-only".equals(x.get("ruleId"))).findFirst()
                .orElseThrow(() -> new AssertionError("no full-only violation in " + violations));
        assertEquals("ERROR", v.get("severity"));
        assertTrue(String.valueOf(v.get("hint")).contains("full"), String.valueOf(v.get("hint")));
        assertTrue(String.valueOf(v.get("matrixLine")).contains("full backups only"));

        List<Map<String, Object>> none = given().queryParam("type", "full")
                .when().get("/preflight").then().statusCode(200).extract().path("violations");
        assertTrue(none.stream().noneMatch(x -> "full-only".equals(x.get("ruleId"))), none.toString());
    }

    @Test
    void funqyPreflightWithAnUnknownTypeIsABadRequest() {
        given().queryParam("type", "weekly-ish").when().get("/preflight").then()
                .statusCode(400)
                .body("error", equalTo("invalid-request"))
                .body("message", containsString("full, incremental, differential"))
                .body("message", containsString("HINT:"));
    }
}
