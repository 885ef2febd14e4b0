package io.pgvault.restore;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobAccessPolicy;
import com.azure.storage.blob.models.BlobSignedIdentifier;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.pgvault.backup.BackupService;
import io.pgvault.matrix.BackupType;
import io.pgvault.restore.targets.TargetChecks;
import io.pgvault.testing.LogCapture;
import io.pgvault.testing.TestServices;
import io.pgvault.vault.Manifest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.pgvault.restore.RestoreClient.SERVER;
import static io.pgvault.restore.RestoreClient.assertError;
import static io.pgvault.restore.RestoreClient.bare;
import static io.pgvault.restore.RestoreClient.blobs;
import static io.pgvault.restore.RestoreClient.newContainer;
import static io.pgvault.restore.RestoreClient.url;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore HTTP API against real parts (PostgreSQL, Azurite): the 202-then-poll flow, idempotency
 * (sequential and concurrent), every kind of bad input with its 4xx and HINT, a tampered vault file, and no
 * secret in anything the restore writes or logs.
 */
@QuarkusTest
class RestoreApiTest {

    /** Random (incompressible) bytes, so the backup is big enough that its copy and check take a while. */
    static final String BIG_DB = "ra_big";
    static final int BIG_MIB = 24;

    @Inject
    BackupService backups;

    /** The backup the tests of this class restore; made once, remade after a test changed the vault. */
    static Manifest shared;

    Manifest backup() {
        if (shared == null) {
            TestServices.recreateDatabase(BIG_DB);
            TestServices.sql(BIG_DB, "CREATE TABLE chunks (id int PRIMARY KEY, data bytea)",
                    "INSERT INTO chunks SELECT g, (SELECT decode(string_agg(md5(random()::text || g || i), ''), 'hex') "
                            + "FROM generate_series(1, 65536) i) FROM generate_series(1, " + BIG_MIB + ") g");
            TestServices.resetVault();
            shared = backups.backup(BackupType.FULL).manifest();
        }
        return shared;
    }

    @AfterAll
    static void dropBigDatabase() {
        shared = null;
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS " + BIG_DB + " WITH (FORCE)");
    }

    static Map<String, Object> request(String backupId, String targetUrl) {
        Map<String, Object> m = new HashMap<>();
        m.put("server", SERVER);
        m.put("backupId", backupId);
        m.put("targetContainerUrl", targetUrl);
        return m;
    }

    // ---- the 202 / poll flow --------------------------------------------------------------------------------

    @Test
    void answers202BeforeTheCopyEndsThenThePollEndsSucceededWithEveryFileChecked() throws Exception {
        Manifest m = backup();
        assertTrue(m.totalBytes() > BIG_MIB * 1024L * 1024, "the backup is big: " + m.totalBytes());
        String container = newContainer("ra-flow");

        JsonPath accepted = RestoreClient.accepted(request(m.backupId(), url(container)));
        Instant answeredAt = Instant.now();
        String id = accepted.getString("restoreId");
        assertTrue(id.startsWith("restore-"), id);
        assertEquals("Copying", accepted.getString("state"));
        assertEquals(m.backupId(), accepted.getString("backupId"));
        assertEquals("/api/restoreStatus?server=" + SERVER + "&id=" + id, accepted.getString("statusUrl"));

        // the status URL works as given; the first poll finds the copy running or already done (an idle machine
        // copies 24 MiB within one Azurite account in well under a poll), never Validating or Failed. That the 202
        // did not wait for the copy is proven below by endedAt > the moment the 202 arrived.
        JsonPath first = given().basePath("").get(accepted.getString("statusUrl")).then().statusCode(200)
                .extract().jsonPath();
        assertTrue(List.of("Copying", "Succeeded").contains(first.getString("state")), first.prettify());

        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        assertEquals(m.files().size(), end.getInt("filesDone"));
        assertEquals(m.files().size(), end.getInt("filesTotal"));
        assertEquals(m.totalBytes(), end.getLong("bytes"));
        assertTrue(RestoreClient.instant(end.get("endedAt")).isAfter(answeredAt),
                "the restore ended after POST /restore had answered: the answer did not wait for the copy");

        String prefix = SERVER + "/" + m.backupId() + "/";
        Set<String> expected = new HashSet<>();
        m.files().forEach(f -> expected.add(prefix + f.path()));
        for (String kit : List.of("manifest.json", "restore.sh", "RESTORE.md", "SHA256SUMS", "restore-data.tsv",
                "roles.managed.sql", "roles.keep-superuser.sql")) {
            expected.add(prefix + kit);
        }
        assertEquals(expected, new HashSet<>(blobs(container, "")), "exactly the backup, its manifest and the kit");
    }

    // ---- idempotency ----------------------------------------------------------------------------------------

    @Test
    void aSecondIdenticalRequestWhileOneRunsReturnsTheSameRestore() throws Exception {
        Manifest m = backup();
        String container = newContainer("ra-idem");
        Map<String, Object> body = request(m.backupId(), url(container));

        String id = RestoreClient.accepted(body).getString("restoreId");
        JsonPath again = RestoreClient.accepted(body);
        Instant secondAnsweredAt = Instant.now();
        assertEquals(id, again.getString("restoreId"), "the second request joined the running restore");
        // "latest" names the same backup: the same restore too
        assertEquals(id, RestoreClient.accepted(request("latest", url(container))).getString("restoreId"));

        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        assertTrue(RestoreClient.instant(end.get("endedAt")).isAfter(secondAnsweredAt),
                "the second request came while the first restore was running");
        assertEquals(1, restoreJobsFor(container), "one restore job for the target, not two");

        // once it ended, the same FailIfExists request is refused: the files are there now
        assertError(RestoreClient.post(body), 409, "conflict", "already holds files");
    }

    @Test
    void concurrentIdenticalRequestsStartOneRestore() throws Exception {
        Manifest m = backup();
        String container = newContainer("ra-conc");
        Map<String, Object> body = request(m.backupId(), url(container));
        int n = 4;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return RestoreClient.post(body);
                }));
            }
            go.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<Response> f : answers) {
                Response r = f.get(2, TimeUnit.MINUTES);
                assertEquals(202, r.statusCode(), r.asString());
                ids.add(r.jsonPath().getString("restoreId"));
            }
            assertEquals(1, ids.size(), "every concurrent request got the same restore: " + ids);
            JsonPath end = RestoreClient.awaitEnd(ids.iterator().next(), Duration.ofMinutes(3));
            assertEquals("Succeeded", end.getString("state"), end.prettify());
            assertEquals(1, restoreJobsFor(container), "one restore job for the target");
        } finally {
            pool.shutdownNow();
        }
    }

    static long restoreJobsFor(String container) {
        List<Map<String, Object>> jobs = given().queryParam("server", SERVER).get("/jobs").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return jobs.stream().filter(j -> "restore".equals(j.get("kind"))
                && String.valueOf(j.get("target")).replace("?<SAS>", "").endsWith("/" + container)).count();
    }

    // ---- bad input ------------------------------------------------------------------------------------------

    @Test
    void malformedEmptyAndOversizedBodiesAreRefused() {
        assertError(RestoreClient.postRaw("{\"server\": \"test-pg\", "), 400, "invalid-request", "not valid JSON");
        assertError(RestoreClient.postRaw("[1, 2, 3]"), 400, "invalid-request", "not valid JSON");
        assertError(RestoreClient.postRaw("{\"server\": {\"nested\": true}}"), 400, "invalid-request", "not valid JSON");
        String big = "{\"server\":\"test-pg\",\"backupId\":\"latest\",\"targetContainerUrl\":\"" + url("x")
                + "\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        assertError(RestoreClient.postRaw(big), 413, "too-large", "too large");
    }

    @Test
    void unknownServersAndBackupsAreNotFoundAndTraversalIdsAreInvalid() {
        Manifest m = backup();
        String container = newContainer("ra-bad");
        String target = url(container);

        Map<String, Object> unknownServer = request("latest", target);
        unknownServer.put("server", "no-such-server");
        assertError(RestoreClient.post(unknownServer), 404, "not-found", "no committed backup");
        assertError(RestoreClient.post(request("20000103T020000Z", target)), 404, "not-found", "does not exist");

        for (String id : List.of("../x", "%2e%2e", "..%2F..%2Fx", m.backupId() + "/../x", m.backupId() + "/..",
                "..", "20261125T121202Z\u0000", " " + m.backupId())) {
            assertError(RestoreClient.post(request(id, target)), 400, "invalid-request", "backup id is not valid");
        }
        for (String server : List.of("../x", "%2e%2e", "a/b", "..", "")) {
            Map<String, Object> r = request("latest", target);
            r.put("server", server);
            assertError(RestoreClient.post(r), 400, "invalid-request", "server name is not valid");
        }
        Map<String, Object> noServer = request("latest", target);
        noServer.remove("server");
        assertError(RestoreClient.post(noServer), 400, "invalid-request", "server name is not valid");

        Map<String, Object> option = request("latest", target);
        option.put("recoveryOption", "Replace");
        assertError(RestoreClient.post(option), 400, "invalid-request", "recoveryOption");

        Map<String, Object> itemLevel = request("latest", target);
        itemLevel.put("databases", List.of(BIG_DB));
        assertError(RestoreClient.post(itemLevel), 422, "matrix-refused", "no-item-level");

        assertError(RestoreClient.postRaw(""), 400, "invalid-request", "The restore request has no body.");

        // restoreStatus: unknown, traversal and wrong-kind ids
        assertError(RestoreClient.status("restore-00000000-0000-0000-0000-000000000000"), 404, "not-found", "No job");
        for (String id : List.of("../x", "restore-../../x", "..%2fx", "%2e%2e")) {
            assertError(RestoreClient.status(id), 400, "invalid-request", "job id is not valid");
        }
        assertError(given().queryParam("server", "../x").queryParam("id", "restore-1").get("/restoreStatus"), 400,
                "invalid-request", "server name is not valid");
        assertError(given().get("/restoreStatus"), 400, "invalid-request", "job id is not valid");

        assertTrue(blobs(container, "").isEmpty(), "nothing was written to the target");
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.contains("/.restores/")), "no marker left");
    }

    @Test
    void targetUrlsThatAreNotAllowedAreRefusedBeforeAnyConnection() throws Exception {
        backup();
        List<String> refused = new ArrayList<>(List.of(
                "http://example.com/restored",
                "https://example.com/restored",
                "file:///etc/passwd",
                "http://169.254.169.254/metadata/instance",
                "https://169.254.169.254/restored",
                "http://10.0.0.5/restored",
                "https://192.168.1.10/restored",
                "https://acct.blob.core.windows.net:8443/restored",
                "https://user:secret@acct.blob.core.windows.net/restored",
                "https://acct.blob.core.windows.net.evil.example/restored",
                TestServices.env("PGVAULT_AZURITE_BLOB_ENDPOINT") + "/../restored",
                TestServices.env("PGVAULT_AZURITE_BLOB_ENDPOINT") + "/%2e%2e/restored"));
        // Loopback proof that nothing connects: a listener on a port that is not the allowed endpoint's.
        try (ServerSocket trap = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = trap.getLocalPort();
            refused.add("http://127.0.0.1:" + port + "/devstoreaccount1/restored");
            refused.add("https://127.0.0.1:" + port + "/restored");
            refused.add("http://user:pw@127.0.0.1:" + port + "/devstoreaccount1/restored");
            refused.add("http://localhost:" + TestServices.env("PGVAULT_AZURITE_PORT") + "/devstoreaccount1/restored");
            for (String target : refused) {
                String message = assertError(RestoreClient.post(request("latest", target)), 400, "restore-target",
                        "targetContainerUrl");
                assertFalse(message.contains("secret") || message.contains(":pw@"), "user info not echoed: " + message);
            }
            trap.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, trap::accept, "pgvault connected to a refused target");
        }
        assertError(RestoreClient.post(request("latest", null)), 400, "restore-target", "missing");
    }

    @Test
    void sasWithoutWriteExpiredOrBadAndAMissingContainerAreRefusedAndLeaveNothingBehind() throws Exception {
        Manifest m = backup();
        String container = newContainer("ra-sas");
        BlobContainerClient c = TestServices.targetContainer(container);
        String prefix = SERVER + "/" + m.backupId() + "/";
        OffsetDateTime later = OffsetDateTime.now().plusHours(2);

        // Refused from the SAS itself, before a connection: no write permission, expired, not yet valid.
        String readList = c.generateSas(new BlobServiceSasSignatureValues(later, BlobContainerSasPermission.parse("rl")));
        assertError(RestoreClient.post(request("latest", bare(container) + "?" + readList)), 400, "restore-target",
                "lacks a permission");
        String expired = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().minusMinutes(5),
                BlobContainerSasPermission.parse("racwl")));
        assertError(RestoreClient.post(request("latest", bare(container) + "?" + expired)), 400, "restore-target",
                "has expired");
        String future = c.generateSas(new BlobServiceSasSignatureValues(later, BlobContainerSasPermission.parse("racwl"))
                .setStartTime(OffsetDateTime.now().plusHours(1)));
        assertError(RestoreClient.post(request("latest", bare(container) + "?" + future)), 400, "restore-target",
                "not valid yet");

        // Refused by the storage service: a SAS whose permissions/expiry live in a stored access policy, and a
        // SAS with a wrong signature. pgvault cannot see these in the URL; its write probe finds out.
        c.setAccessPolicy(null, List.of(
                new BlobSignedIdentifier().setId("readlist").setAccessPolicy(new BlobAccessPolicy()
                        .setPermissions("rl").setStartsOn(OffsetDateTime.now().minusMinutes(5)).setExpiresOn(later)),
                new BlobSignedIdentifier().setId("lapsed").setAccessPolicy(new BlobAccessPolicy()
                        .setPermissions("racwl").setStartsOn(OffsetDateTime.now().minusHours(2))
                        .setExpiresOn(OffsetDateTime.now().minusHours(1)))));
        String policyReadList = c.generateSas(new BlobServiceSasSignatureValues("readlist"));
        assertError(RestoreClient.post(request("latest", bare(container) + "?" + policyReadList)), 400,
                "restore-target", "does not grant the permissions the restore needs");
        String policyLapsed = c.generateSas(new BlobServiceSasSignatureValues("lapsed"));
        // (Azure answers an expired SAS with AuthenticationFailed, Azurite with AuthorizationFailure; both say so.)
        String lapsedMessage = assertError(RestoreClient.post(request("latest", bare(container) + "?" + policyLapsed)),
                400, "restore-target", "cannot write to the target container");
        assertTrue(lapsedMessage.contains("expired"), lapsedMessage);
        String good = c.generateSas(new BlobServiceSasSignatureValues(later, BlobContainerSasPermission.parse("racwl")));
        String forged = good.replaceAll("sig=[^&]+", "sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D");
        // (Azure answers a wrong signature with AuthenticationFailed, Azurite with AuthorizationFailure.)
        String message = assertError(RestoreClient.post(request("latest", bare(container) + "?" + forged)), 400,
                "restore-target", "cannot write to the target container");
        assertTrue(message.contains("?<SAS>; 403 "), message);
        assertTrue(message.contains("not signed for this account"), message);

        // A container that does not exist, with a SAS for it.
        String missing = "ra-missing-" + Long.toString(System.nanoTime(), 36);
        String missingSas = TestServices.targetContainer(missing).generateSas(
                new BlobServiceSasSignatureValues(later, BlobContainerSasPermission.parse("racwl")));
        assertError(RestoreClient.post(request("latest", bare(missing) + "?" + missingSas)), 400, "restore-target",
                "does not exist");
        assertFalse(TestServices.targetContainer(missing).exists(), "not created on the way");

        // Nothing was written by the refused requests: the prefix is empty, no marker is left, and a later
        // FailIfExists restore into the same container goes through.
        assertTrue(blobs(container, "").isEmpty(), "target untouched: " + blobs(container, ""));
        assertTrue(TestServices.vaultBlobs().stream().noneMatch(b -> b.contains("/.restores/")), "no marker left");
        String ok = c.generateSas(new BlobServiceSasSignatureValues(later, BlobContainerSasPermission.parse("rcwl")));
        String id = RestoreClient.accepted(request("latest", bare(container) + "?" + ok)).getString("restoreId");
        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        assertTrue(blobs(container, prefix).stream().noneMatch(b -> b.contains(TargetChecks.PROBE)),
                "the write probe was removed");
    }

    @Test
    void filesAlreadyAtTheTargetAreNamedAndOverwriteReplacesThem() throws Exception {
        Manifest m = backup();
        String container = newContainer("ra-exists");
        String prefix = SERVER + "/" + m.backupId() + "/";
        TestServices.targetContainer(container).getBlobClient(prefix + "roles.sql")
                .upload(BinaryData.fromString("left over from an earlier, failed restore"));

        String message = assertError(RestoreClient.post(request(m.backupId(), url(container))), 409, "conflict",
                "already holds files");
        assertTrue(message.contains(prefix + "roles.sql"), "the file is named: " + message);
        assertTrue(message.contains("Overwrite"), message);
        assertEquals(List.of(prefix + "roles.sql"), blobs(container, ""), "nothing added by the refused request");

        Map<String, Object> overwrite = request(m.backupId(), url(container));
        overwrite.put("recoveryOption", "Overwrite");
        String id = RestoreClient.accepted(overwrite).getString("restoreId");
        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Succeeded", end.getString("state"), end.prettify());
        String roles = TestServices.targetContainer(container).getBlobClient(prefix + "roles.sql")
                .downloadContent().toString();
        assertTrue(roles.contains("CREATE ROLE"), "the leftover was replaced by the backup's roles.sql");
    }

    // ---- hash verification ----------------------------------------------------------------------------------

    @Test
    void aVaultFileChangedAfterTheBackupFailsTheRestoreNamingTheFile() throws Exception {
        Manifest m = backup();
        Manifest.File victim = m.databaseFiles().stream().filter(f -> f.database().equals(BIG_DB)).findFirst().orElseThrow();
        var blob = TestServices.vaultContainer().getBlobClient(SERVER + "/" + m.backupId() + "/" + victim.path());
        byte[] bytes = blob.downloadContent().toBytes();
        assertEquals(victim.bytes(), bytes.length);
        bytes[bytes.length / 2] ^= 0x5a; // same size, one byte different
        shared = null; // the vault no longer holds an intact backup for the other tests
        blob.upload(BinaryData.fromBytes(bytes), true);

        String container = newContainer("ra-tamper");
        String id = RestoreClient.accepted(request(m.backupId(), url(container))).getString("restoreId");
        JsonPath end = RestoreClient.awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("Failed", end.getString("state"), end.prettify());
        assertEquals("integrity", end.getString("error.code"));
        String message = end.getString("error.message");
        assertTrue(message.contains("Restored file " + victim.path() + " does not match"), message);
        assertTrue(message.contains(victim.sha256()), "the expected hash is shown: " + message);
        assertTrue(message.contains("HINT: "), message);
    }

    // ---- secrets --------------------------------------------------------------------------------------------

    @Test
    void noSasSignatureOrAccountKeyInJobRecordsStatusAnswersOrLogs() throws Exception {
        Manifest m = backup();
        String container = newContainer("ra-secret");
        BlobContainerClient c = TestServices.targetContainer(container);
        String sas = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(2),
                BlobContainerSasPermission.parse("racwdl")));
        String sig = java.net.URLDecoder.decode(sas.replaceAll(".*sig=([^&]+).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
        String sigEncoded = sas.replaceAll(".*sig=([^&]+).*", "$1");
        String accountKey = TestServices.env("PGVAULT_VAULT_CONNECTION_STRING").replaceAll(".*AccountKey=([^;]+).*", "$1");
        List<String> secrets = List.of(sig, sigEncoded, accountKey, TestServices.password());

        StringBuilder seen = new StringBuilder();
        String log;
        try (LogCapture capture = new LogCapture(java.util.logging.Level.FINE, "io.pgvault", "com.azure")) {
            // a restore that succeeds, one the service refuses (missing container), one refused locally (expired)
            JsonPath accepted = RestoreClient.accepted(request(m.backupId(), bare(container) + "?" + sas));
            seen.append(accepted.prettify());
            JsonPath end = RestoreClient.awaitEnd(accepted.getString("restoreId"), Duration.ofMinutes(3));
            assertEquals("Succeeded", end.getString("state"), end.prettify());
            seen.append(end.prettify());
            seen.append(RestoreClient.post(request(m.backupId(), bare("ra-nope-" + System.nanoTime()) + "?" + sas)).asString());
            String expired = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().minusMinutes(1),
                    BlobContainerSasPermission.parse("racwdl")));
            seen.append(RestoreClient.post(request(m.backupId(), bare(container) + "?" + expired)).asString());
            seen.append(given().queryParam("server", SERVER).get("/jobs").asString());
            log = capture.text();
        }
        assertTrue(log.contains("Restore " + "restore-"), "the capture saw the restore's own log lines: " + log);

        for (String name : TestServices.vaultBlobs()) {
            if (name.contains("/.jobs/") || name.contains("/.restores/")) {
                seen.append(TestServices.vaultContainer().getBlobClient(name).downloadContent().toString());
            }
        }
        for (String name : blobs(container, "")) {
            if (!name.contains("/databases/")) {
                seen.append(c.getBlobClient(name).downloadContent().toString());
            }
            // a restored blob's copy source (Azurite keeps it) holds pgvault's read SAS on one vault blob
            RestoreClient.assertCopySourceHarmless(name, c.getBlobClient(name).getProperties().getCopySource(),
                    Duration.ofMinutes(26));
        }
        assertTrue(seen.toString().contains("?<SAS>"), "the target is recorded, with its SAS masked");
        for (String secret : secrets) {
            assertFalse(seen.toString().contains(secret), "a secret is in a job record, status or kit file");
            assertFalse(log.contains(secret), "a secret is in the log");
        }
    }

    // ---- catalog --------------------------------------------------------------------------------------------

    @Test
    void backupsListsCommittedBackupsNewestFirst() throws Exception {
        shared = null;
        TestServices.resetVault();
        TestServices.sql("postgres", "DROP DATABASE IF EXISTS ra_catalog_new WITH (FORCE)");
        Manifest older = backups.backup(BackupType.FULL).manifest();
        // A second backup in the same ISO week: free the week's slot as a new week would.
        for (String name : TestServices.vaultBlobs()) {
            if (name.startsWith(SERVER + "/.weeks/")) {
                TestServices.vaultContainer().getBlobClient(name).delete();
            }
        }
        TestServices.recreateDatabase("ra_catalog_new");
        Thread.sleep(1100); // backup ids have one-second resolution
        Manifest newer;
        try {
            newer = backups.backup(BackupType.FULL).manifest();
        } finally {
            TestServices.sql("postgres", "DROP DATABASE IF EXISTS ra_catalog_new WITH (FORCE)");
        }

        JsonPath list = given().queryParam("server", SERVER).get("/backups").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(newer.backupId(), older.backupId()), list.getList("backupId"), "newest first");
        assertEquals(List.of(newer.isoWeek(), older.isoWeek()), list.getList("isoWeek"));
        assertEquals(List.of("Committed", "Committed"), list.getList("state"));
        assertEquals(newer.totalBytes(), list.getLong("[0].bytes"));
        assertEquals(older.totalBytes(), list.getLong("[1].bytes"));
        assertTrue(list.getList("[0].databases").contains("ra_catalog_new"), list.prettify());
        assertFalse(list.getList("[1].databases").contains("ra_catalog_new"), list.prettify());
        assertEquals(older.databaseFiles().stream().map(Manifest.File::database).toList(), list.getList("[1].databases"));

        assertEquals(List.of(), given().queryParam("server", "no-such-server").get("/backups").then().statusCode(200)
                .extract().jsonPath().getList("$"));
        assertError(given().queryParam("server", "../x").get("/backups"), 400, "invalid-request",
                "server name is not valid");
        TestServices.resetVault();
    }
}
