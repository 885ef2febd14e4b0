package io.pgvault.faults;

import io.pgvault.backup.BackupService;
import io.pgvault.jobs.JobRecord;
import io.pgvault.matrix.BackupType;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load: 50 restoreStatus and catalog requests, 10 at a time, while a backup streams a large database. Every
 * answer is right (the restore's state; the catalog holds the committed backup and not the running one), the
 * JVM's thread count stays bounded, and the backup still commits a complete backup. A table lock on a second
 * database keeps the backup running until the load is over, whatever the machine's speed: its pg_dump waits for
 * the lock (pgvault.backup.lock-wait-timeout raised for this), so the backup cannot commit before the test lets go.
 */
@QuarkusTest
@TestProfile(LoadDuringBackupTest.WaitForTheLock.class)
class LoadDuringBackupTest extends FaultTestBase {

    static final String BIG = "faults_load_big";
    static final String HELD = "faults_load_held";
    static final int CLIENTS = 10;
    static final int REQUESTS_EACH = 5;

    /** pg_dump waits up to 5 minutes for a table lock (instead of %test's 3 s). */
    public static class WaitForTheLock extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgvault.backup.lock-wait-timeout", "PT5M");
        }
    }

    @AfterEach
    void dropDatabase() {
        Databases.dropEverywhere(BIG);
        Databases.dropEverywhere(HELD);
    }

    @Test
    void fiftyConcurrentStatusAndCatalogRequestsDuringABackup() throws Exception {
        Snapshot earlier = freshVaultWithEarlierBackup();
        String restoreId = finishedRestoreOf(earlier.backupId());
        Databases.createBig(BIG, 64);
        Databases.createSmall(HELD);
        Connection lock = Databases.lockTable(HELD, "t");

        CompletableFuture<BackupService.BackupResult> run = async(() -> backups.backup(BackupType.FULL));
        await("the backup to stream " + BIG, Duration.ofMinutes(1), () -> Databases.copyingBackend(BIG).isPresent());

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        AtomicInteger peak = new AtomicInteger(before);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(threads.getThreadCount(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long t0 = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < CLIENTS * REQUESTS_EACH; i++) {
            boolean status = i % 2 == 0;
            answers.add(clients.submit(() -> status ? checkStatus(restoreId) : checkCatalog(earlier.backupId())));
        }
        List<String> failures = new ArrayList<>();
        for (Future<String> a : answers) {
            String problem = a.get(2, TimeUnit.MINUTES);
            if (problem != null) {
                failures.add(problem);
            }
        }
        clients.shutdown();
        assertTrue(clients.awaitTermination(1, TimeUnit.MINUTES));
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampling.set(false);
        sampler.join();
        int after = threads.getThreadCount();
        // the load ran while the backup ran: it is still waiting for the lock (else the catalog check proves less)
        boolean backupStillRunning = !run.isDone();
        await("the backup's pg_dump of " + HELD + " to wait for the test's lock", Duration.ofMinutes(2),
                () -> Databases.dumpWaitsForLock(HELD));
        lock.rollback();
        lock.close();
        System.out.printf("load: %d requests in %.2f s while the backup ran; threads %d before, peak %d, after %d%n",
                answers.size(), seconds, before, peak.get(), after);

        assertEquals(List.of(), failures, "every request answered correctly");
        assertTrue(backupStillRunning, "the load ran while the backup ran");
        // 10 client threads plus at most one worker per concurrent request, and some slack for the backup's own
        // upload threads: a thread per request (50) or an unbounded pool would break these bounds.
        assertTrue(peak.get() - before <= 2 * CLIENTS + 15, "peak threads " + peak.get() + " vs " + before + " before");
        assertTrue(after - before <= CLIENTS + 15, "threads left " + after + " vs " + before + " before");

        Manifest m = run.get(3, TimeUnit.MINUTES).manifest();
        assertTrue(m.databaseFiles().stream().anyMatch(f -> f.database().equals(BIG)));
        AzuriteOutageTest.assertCompleteBackup(m);
        assertIntact(earlier);
    }

    /** A restore of the earlier backup, finished: the id the status requests ask about. */
    String finishedRestoreOf(String backupId) {
        String target = TestServices.newTargetContainer("load-" + System.currentTimeMillis());
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("server", SERVER, "backupId", backupId, "targetContainerUrl", target))
                .when().post("/restore").then().statusCode(202).extract().path("restoreId");
        await("the restore to finish", Duration.ofMinutes(1), () -> JobRecord.SUCCEEDED.toString().equals(given()
                .queryParam("server", SERVER).queryParam("id", id).when().get("/restoreStatus").path("state")));
        return id;
    }

    String checkStatus(String restoreId) {
        Response r = given().queryParam("server", SERVER).queryParam("id", restoreId).when().get("/restoreStatus");
        if (r.statusCode() != 200 || !restoreId.equals(r.path("id")) || !JobRecord.SUCCEEDED.toString().equals(r.path("state"))) {
            return "restoreStatus: " + r.statusCode() + " " + r.asString();
        }
        return null;
    }

    String checkCatalog(String committedId) {
        Response r = given().queryParam("server", SERVER).when().get("/backups");
        List<String> ids = r.statusCode() == 200 ? r.jsonPath().getList("backupId", String.class) : null;
        if (ids == null || !ids.equals(List.of(committedId))) {
            return "backups: " + r.statusCode() + " " + r.asString();
        }
        return null;
    }
}
