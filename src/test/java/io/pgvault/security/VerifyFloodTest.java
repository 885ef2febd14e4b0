package io.pgvault.security;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.jobs.JobStore;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unbounded verify work (security issue, item 7): {@code POST /api/verify {"backupId":"all"}} used to queue a
 * re-read of every backup each time it was called. Now one verify per server is queued or running at a time —
 * this instance's or another's, as the job records in the vault say — and the queue is bounded.
 */
@QuarkusTest
class VerifyFloodTest {

    static final String SERVER = "test-pg";
    static final String DB = "verify_flood";

    @Inject
    BackupService backups;

    @Inject
    JobStore jobs;

    Manifest manifest;

    @BeforeEach
    void backupWithSomethingToReadBack() {
        TestServices.resetVault();
        TestServices.recreateDatabase(DB);
        // incompressible: about 24 MB to read back and hash, so a verify is still running when the next request comes
        TestServices.sql(DB, "CREATE TABLE noise (id int PRIMARY KEY, b bytea)",
                "INSERT INTO noise SELECT g, decode(string_agg(md5(g::text || ':' || i), ''), 'hex') "
                        + "FROM generate_series(1, 3000) g, generate_series(1, 500) i GROUP BY g");
        manifest = backups.backup(BackupType.FULL).manifest();
    }

    @AfterAll
    static void dropDatabase() {
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    static Response verifyAll() {
        return given().contentType(ContentType.JSON)
                .body(Map.of("server", SERVER, "backupId", "all", "testRestore", false)).when().post("/verify");
    }

    static long verifyJobs(JobStore jobs) {
        return jobs.list(SERVER).stream().filter(j -> JobRecord.KIND_VERIFY.equals(j.kind())).count();
    }

    @Test
    void aSecondVerifyOfTheSameServerIsRefusedWhileTheFirstRunsAndAcceptedAfterIt() throws Exception {
        String first = verifyAll().then().statusCode(202).extract().path("verifyId");
        for (int i = 0; i < 5; i++) {
            Response again = verifyAll();
            assertEquals(409, again.statusCode(), again.asString());
            assertEquals("conflict", again.path("error"), again.asString());
            String message = again.path("message");
            assertTrue(message.contains("already queued or running") && message.contains(first), message);
            assertTrue(message.contains("HINT: "), message);
        }
        assertEquals(1, verifyJobs(jobs), "the refused requests queued nothing");

        JobRecord end = await(first);
        assertEquals(JobRecord.SUCCEEDED, end.state(), String.valueOf(end.error()));
        assertEquals(manifest.totalBytes(), end.bytes(), "the first verify did its whole work");
        String next = verifyAll().then().statusCode(202).extract().path("verifyId");
        assertEquals(JobRecord.SUCCEEDED, await(next).state(), "refusal lasts only while a verify runs");
    }

    @Test
    void aVerifyRunningInAnotherInstanceBlocksTooUnlessItsRunnerIsGone() {
        // another instance's verify, as its job record in the vault shows it: running, touched just now
        JobRecord other = jobs.start("verify-other-instance", JobRecord.KIND_VERIFY, SERVER, JobRecord.RUNNING,
                manifest.backupId(), null);
        Response refused = verifyAll();
        assertEquals(409, refused.statusCode(), refused.asString());
        assertTrue(refused.<String>path("message").contains("verify-other-instance (Running"), refused.asString());
        assertEquals(1, verifyJobs(jobs), "nothing queued");

        // the same record, untouched for an hour: its runner vanished, so it no longer blocks
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        jobs.save(new JobRecord(other.id(), other.kind(), other.server(), other.state(), hourAgo, hourAgo, null,
                other.backupId(), null, 0, 0, 0, List.of(), List.of(), null, List.of()));
        verifyAll().then().statusCode(202);
    }

    private JobRecord await(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JobRecord job = jobs.get(SERVER, id);
        while (!job.terminal() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            job = jobs.get(SERVER, id);
        }
        return job;
    }
}
