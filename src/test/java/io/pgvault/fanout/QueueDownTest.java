package io.pgvault.fanout;

import io.pgvault.errors.ErrorKind;
import io.pgvault.fleet.ProtectionState;
import io.pgvault.fleet.ServerRegistry;
import io.pgvault.jobs.JobState;
import io.pgvault.jobs.JobStore;
import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backup queue unreachable (AzureWebJobsStorage points at a loopback port nothing listens on): backupNow answers
 * 502 queue-unavailable with a HINT and no key, its job record ends Failed, and the server-week is not left blocked
 * by a marker of a message that was never sent.
 */
@QuarkusTest
@TestProfile(QueueDownTest.Profile.class)
class QueueDownTest {

    static final String DEAD_QUEUE = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "QueueEndpoint=http://127.0.0.1:" + FleetServers.deadPort() + "/devstoreaccount1;";

    /** The queue's account on a dead port; the SDK's retries kept short. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("AzureWebJobsStorage", DEAD_QUEUE, "pgvault.vault.retry-max-tries", "2",
                    "pgvault.vault.retry-delay", "PT0.1S");
        }
    }

    @Inject
    ServerRegistry registry;

    @Inject
    BackupEnqueuer enqueuer;

    @Inject
    JobStore jobs;

    @Test
    void backupNowFailsWithAHintAndLeavesTheWeekFree() {
        TestServices.resetVault();
        registry.create(FleetServers.entry("fq-qd", FleetServers.port("s1"), DayOfWeek.MONDAY, 0, ProtectionState.PROTECTED)
                .checked(null));
        Response r = given().contentType(ContentType.JSON).body(Map.of("server", "fq-qd")).post("/backupNow");
        assertEquals(502, r.statusCode(), r.asString());
        assertTrue(r.asString().contains(ErrorKind.QUEUE_UNAVAILABLE.code()), r.asString());
        assertTrue(r.asString().contains("HINT"), r.asString());
        assertFalse(r.asString().contains("AccountKey") || r.asString().contains("Eby8vdM02"), "no key: " + r.asString());
        assertEquals(DueSlot.WeekState.FREE, enqueuer.week("fq-qd", Instant.now()).state(), "no marker left behind");
        assertTrue(jobs.list("fq-qd").stream().allMatch(j -> j.state() == JobState.FAILED), jobs.list("fq-qd").toString());
        assertEquals(1, jobs.list("fq-qd").size());
    }
}
