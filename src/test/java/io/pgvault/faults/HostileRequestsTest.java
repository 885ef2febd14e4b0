package io.pgvault.faults;

import io.pgvault.testing.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile requests to the HTTP functions: ids and server names that try to climb out of the vault prefix, JSON
 * that is malformed, mistyped, oversized or deeply nested, and restore targets that are not Azure Blob containers
 * (other hosts, {@code file:}, link-local and private addresses). Each is refused with a 4xx JSON error whose
 * message has a HINT and no stack trace; nothing is written in any container, no job starts, and the service
 * still answers afterwards. Target URLs are refused before any connection: none of them is ever contacted (a
 * loopback listener standing in for "somewhere else" sees no connection).
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class HostileRequestsTest extends FaultTestBase {

    TreeSet<String> before;

    @BeforeEach
    void snapshot() {
        TestServices.vaultContainer().createIfNotExists();
        before = ConfigFaultsTest.allBlobs();
    }

    @AfterEach
    void nothingWasWrittenAndTheServiceStillAnswers() {
        assertEquals(before, ConfigFaultsTest.allBlobs(), "a refused request wrote or deleted something");
        given().queryParam("server", SERVER).when().get("/backups").then().statusCode(200);
    }

    @Test
    void idsAndServerNamesThatEscapeTheVaultPrefixAreRefused() {
        String target = TestServices.targetUrl("hostile-never-created");
        for (String id : List.of("../../.weeks/2026-W01", "..%2f..%2fx", "%2e%2e%2f%2e%2e%2fmanifest", "restore-../x",
                "/etc/passwd", "https://127.0.0.1:1/x", "restore-" + "a".repeat(200))) {
            refused(given().urlEncodingEnabled(false).queryParam("server", SERVER).queryParam("id", id)
                    .when().get("/restoreStatus"), 400, "invalid-request", "restoreStatus id " + id);
        }
        for (String server : List.of("..", "../other", "test-pg/../x", "%2e%2e", "test-pg%2F..%2Fother", "/abs",
                "http://evil.example/x", ".hidden", "-leading", "a".repeat(64), "semi;colon", "new\nline")) {
            for (String fn : List.of("/backups", "/jobs")) {
                refused(given().queryParam("server", server).when().get(fn), 400, "invalid-request", fn + " server " + server);
            }
            refused(restore(Map.of("server", server, "backupId", "latest", "targetContainerUrl", target)), 400,
                    "invalid-request", "restore server " + server);
        }
        for (String backupId : List.of("../20261118T000000Z", "%2e%2e%2f20261118T000000Z", "20261118T000000Z/../x",
                "https://127.0.0.1:1/evil", "/20261118T000000Z", "20261118T000000Z?x", "latest/../x", "\u0000")) {
            refused(restore(Map.of("server", SERVER, "backupId", backupId, "targetContainerUrl", target)), 400,
                    "invalid-request", "restore backupId " + backupId);
        }
    }

    /**
     * Each body is refused with 400 {@code invalid-request} and the message of its own fault: a body the parser
     * cannot bind says so, a body that binds but names no server says which field is missing, {@code null} says
     * there is no body.
     */
    @Test
    void hostileJsonIsRefusedWithAClearMessage() {
        String target = TestServices.targetUrl("hostile-never-created");
        String unparsable = "The request body is not valid JSON for this function, or a field has the wrong type.";
        String noServer = "The server name is not valid.\nserver: (missing)\nHINT: ";
        Map<String, String[]> bodies = new LinkedHashMap<>(); // what → {body, the message's first part}
        bodies.put("malformed", new String[] {"{\"server\": \"test-pg\",", unparsable});
        bodies.put("not JSON", new String[] {"server=test-pg", unparsable});
        bodies.put("an array", new String[] {"[1, 2, 3]", unparsable});
        bodies.put("a string", new String[] {"\"test-pg\"", unparsable});
        bodies.put("wrong type (object for a string)", new String[] {"{\"server\": {\"name\": \"test-pg\"}}", unparsable});
        bodies.put("wrong type (array for a string)", new String[] {"{\"server\": [\"test-pg\"], \"backupId\": \"latest\"}",
                unparsable});
        bodies.put("wrong type (string for a list)", new String[] {"{\"server\": \"test-pg\", \"databases\": \"all\"}",
                unparsable});
        bodies.put("unknown fields and no server", new String[] {"{\"srever\": \"test-pg\", \"bogus\": 1, "
                + "\"targetContainerUrl\": \"" + target + "\"}", noServer});
        bodies.put("deeply nested (beyond the parser's limit)", new String[] {"{\"server\": " + "[".repeat(5000)
                + "]".repeat(5000) + "}", unparsable});
        bodies.put("deeply nested unknown field", new String[] {"{\"x\": " + "{\"a\": ".repeat(500) + "1" + "}".repeat(500)
                + "}", noServer});
        bodies.put("empty object", new String[] {"{}", noServer});
        // a SAS inside a broken or mistyped body must not reach the logs through the parser's error
        String sas = "https://acct.blob.core.windows.net/restored?sv=2024-08-04&sr=c&sp=rwl&sig=HostileSig0123456789abcdef%3D";
        secrets.add("HostileSig0123456789abcdef");
        bodies.put("malformed with a SAS", new String[] {"{\"targetContainerUrl\": \"" + sas + "\", \"server\": ", unparsable});
        bodies.put("mistyped with a SAS", new String[] {"{\"server\": \"test-pg\", \"targetContainerUrl\": [\"" + sas + "\"]}",
                unparsable});
        bodies.put("null", new String[] {"null", "The restore request has no body.\n(empty body)\nHINT: "});
        for (var b : bodies.entrySet()) {
            Response r = given().contentType(ContentType.JSON).body(b.getValue()[0]).when().post("/restore");
            refused(r, 400, "invalid-request", "JSON " + b.getKey());
            String message = r.path("message");
            assertTrue(message.startsWith(b.getValue()[1]), "JSON " + b.getKey() + " is refused for its own fault: " + message);
        }
        // each body that did not bind is one WARN line of pgvault's (the log capture sees every record); Funqy never
        // parsed one, so its ERROR with a Jackson trace is gone
        assertTrue(logs.text().contains("request body refused"), "the log capture sees the refusals");
        assertFalse(logs.text().contains("Failed to unmarshal input"), "Funqy did not log a bad body");
        // 10 MB: refused by size before it is parsed
        String huge = "{\"server\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}";
        refused(given().contentType(ContentType.JSON).body(huge).when().post("/restore"), 413, "too-large", "10 MB body");
    }

    @Test
    void targetsThatAreNotBlobContainersAreRefusedBeforeAnyConnection() throws Exception {
        try (ServerSocket elsewhere = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            elsewhere.setSoTimeout(1);
            int port = elsewhere.getLocalPort();
            String azurite = TestServices.env("PGVAULT_AZURITE_BLOB_ENDPOINT");
            List<String> targets = List.of(
                    "http://127.0.0.1:" + port + "/devstoreaccount1/restored", // a loopback service that is not allowed
                    "http://127.0.0.1:" + port + "/restored",
                    "http://example.com/restored", "https://example.com/restored",
                    "file:///etc/passwd", "file:/tmp/restored", "ftp://acct.blob.core.windows.net/restored",
                    "gopher://127.0.0.1:" + port + "/restored",
                    "http://169.254.169.254/metadata/instance", "https://169.254.169.254/restored",
                    "https://[fe80::1]/restored", "https://[::1]/restored", "https://127.0.0.1/restored",
                    "https://10.0.0.5/restored", "https://172.16.0.1/restored", "https://192.168.1.1/restored",
                    "https://0.0.0.0/restored", "https://2130706433/restored",
                    "http://acct.blob.core.windows.net/restored", "https://acct.blob.core.windows.net:8443/restored",
                    "https://acct.blob.core.windows.net.evil.example/restored",
                    "https://user:secret@acct.blob.core.windows.net/restored",
                    "https://acct.blob.core.windows.net/restored#frag", "https://acct.blob.core.windows.net/../restored",
                    "https://acct.blob.core.windows.net/a/b/c", "https://acct.blob.core.windows.net/%2e%2e",
                    azurite + "/../other", azurite + "/%2e%2e/x", azurite + "/restored/../../x",
                    azurite.replace("127.0.0.1", "localhost") + "/restored",
                    "//acct.blob.core.windows.net/restored", "restored", "");
            for (String t : targets) {
                Response r = restore(Map.of("server", SERVER, "backupId", "latest", "targetContainerUrl", t));
                refused(r, 400, "restore-target", "target " + t);
                assertTrue(r.asString().contains("targetContainerUrl"), "the refusal names the field: " + r.asString());
                assertFalse(r.asString().contains("secret"), "user info is not echoed: " + r.asString());
            }
            try {
                elsewhere.accept().close();
                throw new AssertionError("a refused target was contacted");
            } catch (SocketTimeoutException expected) {
                // nobody connected
            }
        }
    }

    Response restore(Map<String, String> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/restore");
    }

    /** A refusal: the status, a JSON error of that kind, a HINT, no stack trace, no secret. */
    void refused(Response r, int status, String code, String what) {
        String body = r.asString();
        secrets.capture("HTTP answer to " + what, body);
        assertEquals(status, r.statusCode(), what + ": " + body);
        assertTrue(r.contentType().startsWith("application/json"), what + ": " + r.contentType());
        assertEquals(code, r.path("error"), what + ": " + body);
        String message = r.path("message");
        assertTrue(message != null && message.contains("\nHINT: "), what + ": " + body);
        assertFalse(body.contains("\tat ") || body.contains(".java:") || body.contains("Exception"),
                what + " leaks a stack trace: " + body);
        assertTrue(body.length() < 4000, what + " answers with a short message, not an echo: " + body.length());
    }
}
