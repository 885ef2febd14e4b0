package io.pgvault.fleet;

import io.pgvault.backup.BackupService;
import io.pgvault.backup.BackupTrigger;
import io.pgvault.config.PgvaultConfig;
import io.pgvault.errors.ErrorKind;
import io.pgvault.jobs.JobStore;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestServices;
import io.pgvault.testing.VaultTap;
import io.pgvault.vault.Manifest;
import io.pgvault.vault.WeekClaims;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.pgvault.testing.Errors.assertKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's HTTP surface against real servers: the main test cluster, a second cluster and a real streaming
 * standby (three real PostgreSQL servers), plus a port nothing listens on — registered over HTTP with their
 * preflight, refused ones saved only with force, the fleet view with failures first, concurrent edits, and no
 * password in any answer, vault document or log line.
 */
@QuarkusTest
class FleetApiTest {

    @Inject
    BackupService backups;

    @Inject
    ServerRegistry registry;

    @Inject
    PgvaultConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @BeforeEach
    void emptyVault() {
        TestServices.resetVault();
    }

    @Test
    void threeRealServersAreRegisteredOverHttpAndTheViewShowsFailuresFirst() {
        try (LogCapture log = new LogCapture()) {
            Response a = FleetHttp.protect(FleetHttp.a());
            a.then().statusCode(200);
            assertEquals(true, a.path("saved"));
            assertEquals(true, a.path("created"));
            assertEquals(true, a.path("allowed"));
            assertNotNull(a.path("etag"));
            FleetHttp.protect(FleetHttp.b()).then().statusCode(200);

            Response refused = FleetHttp.protect(FleetHttp.replica());
            assertEquals(422, refused.statusCode(), refused.asString());
            assertEquals("matrix-refused", refused.path("error"));
            assertTrue(refused.path("message").toString().contains("[primary-only]"), refused.asString());
            assertTrue(refused.path("message").toString().contains("force"), refused.asString());
            assertFalse(TestServices.vaultBlobs().contains(ServerRegistry.path(Fleet.REPLICA)), "refused: not saved");
            Response forced = FleetHttp.protect(FleetHttp.with(FleetHttp.replica(), "force", true));
            forced.then().statusCode(200);
            assertEquals(false, forced.path("allowed"));
            assertEquals(true, forced.path("forced"));

            Map<String, Object> down = FleetHttp.down();
            Response unreachable = FleetHttp.protect(down);
            assertEquals(502, unreachable.statusCode(), unreachable.asString());
            assertEquals("database-unavailable", unreachable.path("error"));
            assertTrue(unreachable.path("message").toString().contains("\"force\": true"), unreachable.asString());
            FleetHttp.protect(FleetHttp.with(down, "force", true)).then().statusCode(200);

            Manifest committed = backups.backup(registry.require(Fleet.B), BackupTrigger.QUEUE).manifest();
            assertKind(ErrorKind.DATABASE_UNAVAILABLE, () -> backups.backup(registry.require(Fleet.DOWN), BackupTrigger.QUEUE));

            List<Map<String, Object>> view = FleetHttp.servers();
            assertEquals(List.of(Fleet.DOWN, Fleet.REPLICA), view.subList(0, 2).stream().map(s -> s.get("name")).toList(),
                    "failures first: " + view);
            assertEquals("failed", FleetHttp.server(view, Fleet.DOWN).get("weekStatus"));
            Map<?, ?> lastJob = (Map<?, ?>) FleetHttp.server(view, Fleet.DOWN).get("lastJob");
            assertEquals("Failed", lastJob.get("state"));
            assertEquals("database-unavailable", lastJob.get("errorCode"));
            assertTrue(lastJob.get("error").toString().contains("HINT:"), lastJob.toString());
            assertEquals("refused", FleetHttp.server(view, Fleet.REPLICA).get("weekStatus"));
            Map<String, Object> b = FleetHttp.server(view, Fleet.B);
            assertEquals("done", b.get("weekStatus"));
            Map<?, ?> last = (Map<?, ?>) b.get("lastBackup");
            assertEquals(committed.backupId(), last.get("backupId"));
            assertEquals(committed.totalBytes(), ((Number) last.get("bytes")).longValue());
            Map<String, Object> own = FleetHttp.server(view, config.serverName());
            assertEquals(true, own.get("readOnly"));
            Map<String, Object> fleetA = FleetHttp.server(view, Fleet.A);
            assertTrue(List.of("due", "scheduled").contains(fleetA.get("weekStatus")), fleetA.toString());
            assertEquals(FleetView.slot(registry.require(Fleet.A).policy(), Instant.now()).toString(), fleetA.get("nextDue"));
            assertEquals(5, view.size());

            String password = TestServices.password();
            assertFalse(FleetHttp.protect(FleetHttp.b()).asString().contains(password));
            assertFalse(io.restassured.RestAssured.get("/servers").asString().contains(password));
            for (String blob : TestServices.vaultBlobs()) {
                if (blob.endsWith(".json")) {
                    assertFalse(TestServices.vaultContainer().getBlobClient(blob).downloadContent().toString()
                            .contains(password), "password in " + blob);
                }
            }
            assertFalse(log.text().contains(password), "password in the log");
            String accountKey = TestServices.env("PGVAULT_VAULT_CONNECTION_STRING").replaceFirst(".*AccountKey=([^;]+);.*", "$1");
            assertFalse(log.text().contains(accountKey), "the vault's key in the log");
            assertFalse(FleetHttp.servers().toString().contains(accountKey), "the vault's key in the view");
        }
    }

    @Test
    void theViewReadsOneStatusDocumentPerServerAndNoJobRecord() {
        FleetHttp.protect(FleetHttp.b()).then().statusCode(200);
        backups.backup(registry.require(Fleet.B), BackupTrigger.CLI);
        VaultTap tap = new VaultTap();
        var store = tap.store(config, json);
        var view = new FleetView(new ServerRegistry(store, config), new JobStore(store), new WeekClaims(store, config), clock);
        assertEquals("done", view.servers().stream().filter(v -> v.name().equals(Fleet.B)).findFirst().orElseThrow().weekStatus());
        assertTrue(tap.sent().stream().noneMatch(r -> r.path().contains("/.jobs/") || String.valueOf(r.query()).contains(".jobs")),
                "no job record read: " + tap.sent());
        assertTrue(tap.sent().stream().anyMatch(r -> r.path().endsWith("/.status/" + Fleet.B + ".json")));
    }

    @Test
    void ofTwoConcurrentEditsOfOneVersionOverHttpExactlyOneGets409() throws Exception {
        String etag = FleetHttp.protect(FleetHttp.b()).then().statusCode(200).extract().path("etag");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Response>> edits = new ArrayList<>();
        for (String compression : List.of("gzip:1", "none")) {
            Map<String, Object> body = FleetHttp.with(FleetHttp.with(FleetHttp.b(), "etag", etag), "policy",
                    Map.of("compression", compression));
            edits.add(pool.submit(() -> {
                go.await();
                return FleetHttp.protect(body);
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> f : edits) {
            Response r = f.get();
            statuses.add(r.statusCode());
            if (r.statusCode() == 409) {
                assertEquals("conflict", r.path("error"));
                assertTrue(r.path("message").toString().contains("HINT: Read it again"), r.asString());
            }
        }
        pool.shutdown();
        assertEquals(List.of(200, 409), statuses.stream().sorted().toList(), "one edit wins, one gets 409");
    }

    @Test
    void aPasswordSentInlineIsRefusedAndNeverStoredAnsweredOrLogged() {
        String secret = "Inline-Pw-" + System.nanoTime();
        try (LogCapture log = new LogCapture()) {
            Response r = FleetHttp.protect(FleetHttp.with(FleetHttp.b(), "password", secret));
            assertEquals(400, r.statusCode(), r.asString());
            assertEquals("invalid-request", r.path("error"));
            assertFalse(r.asString().contains(secret));
            Response ref = FleetHttp.protect(FleetHttp.with(FleetHttp.b(), "passwordRef", secret));
            assertEquals(400, ref.statusCode(), ref.asString());
            assertFalse(ref.asString().contains(secret));
            assertFalse(log.text().contains(secret), "secret in the log");
        }
        assertTrue(TestServices.vaultBlobs().isEmpty(), "nothing stored: " + TestServices.vaultBlobs());
    }

    @Test
    void stoppingProtectionKeepsTheBackupsOrDeletesThemOnlyWithConfirmation() {
        FleetHttp.protect(FleetHttp.b()).then().statusCode(200);
        String id = backups.backup(registry.require(Fleet.B), BackupTrigger.CLI).manifest().backupId();
        Response noAnswer = FleetHttp.unprotect(Map.of("server", Fleet.B));
        assertEquals(400, noAnswer.statusCode(), noAnswer.asString());
        Response unconfirmed = FleetHttp.unprotect(Map.of("server", Fleet.B, "keepBackups", false));
        assertEquals(400, unconfirmed.statusCode(), unconfirmed.asString());
        assertTrue(unconfirmed.path("message").toString().contains("confirmDelete"), unconfirmed.asString());
        Response settings = FleetHttp.unprotect(Map.of("server", config.serverName(), "keepBackups", true));
        assertEquals(409, settings.statusCode(), settings.asString());

        FleetHttp.unprotect(Map.of("server", Fleet.B, "keepBackups", true)).then().statusCode(200);
        assertEquals("stopped", FleetHttp.server(FleetHttp.servers(), Fleet.B).get("weekStatus"));
        assertTrue(TestServices.vaultBlobs().contains(Fleet.B + "/" + id + "/manifest.json"), "kept");

        Response deleted = FleetHttp.unprotect(Map.of("server", Fleet.B, "keepBackups", false, "confirmDelete", Fleet.B));
        deleted.then().statusCode(200);
        assertEquals(List.of(id), deleted.path("deletedBackups"));
        assertEquals(true, deleted.path("removed"));
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.startsWith(Fleet.B + "/")
                || b.contains("/" + Fleet.B + ".json")), TestServices.vaultBlobs().toString());
        assertNull(FleetHttp.servers().stream().filter(s -> Fleet.B.equals(s.get("name"))).findFirst().orElse(null));
    }
}
