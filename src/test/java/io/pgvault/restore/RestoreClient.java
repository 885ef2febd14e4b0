package io.pgvault.restore;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.testing.TestServices;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore HTTP API as a test drives it (rest-assured against the running app), plus target-side checks. */
final class RestoreClient {

    static final String SERVER = "test-pg";

    private RestoreClient() {
    }

    static Response post(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/restore");
    }

    static Response postRaw(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/restore");
    }

    /** POSTs a restore that must be accepted; returns the 202 body. */
    static JsonPath accepted(Map<String, ?> body) {
        Response r = post(body);
        assertEquals(202, r.statusCode(), "expected 202, got " + r.statusCode() + ": " + r.asString());
        return r.jsonPath();
    }

    static Response status(String restoreId) {
        return given().queryParam("server", SERVER).queryParam("id", restoreId).when().get("/restoreStatus");
    }

    /** Polls restoreStatus until the restore ends (bounded); returns the last status. */
    static JsonPath awaitEnd(String restoreId, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        JsonPath s = status(restoreId).then().statusCode(200).extract().jsonPath();
        while (List.of("Validating", "Copying").contains(s.getString("state")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            s = status(restoreId).then().statusCode(200).extract().jsonPath();
        }
        return s;
    }

    /** An error answer: the status, the failure kind, and a message with a HINT. Returns the message. */
    static String assertError(Response r, int status, String code, String messagePart) {
        String body = r.asString();
        assertEquals(status, r.statusCode(), "status for: " + body);
        JsonPath j = r.jsonPath();
        assertEquals(code, j.getString("error"), body);
        String message = j.getString("message");
        assertTrue(message.contains(messagePart), "message should contain '" + messagePart + "': " + message);
        assertTrue(message.contains("HINT: "), "message has a HINT: " + message);
        assertTrue(!message.contains("\tat ") && !message.contains("Exception:"), "no stack trace: " + message);
        return message;
    }

    /**
     * A restored blob's copy source (x-ms-copy-source) is the vault blob's URL with pgvault's read SAS. pgvault
     * sets the blob's properties after the copy, which makes Azure drop that record; Azurite keeps it. Where it
     * is kept, the SAS must be the least it can be: read-only, this one blob, expiring within {@code maxLife}.
     */
    static void assertCopySourceHarmless(String name, String copySource, Duration maxLife) {
        if (copySource == null) {
            return;
        }
        String query = copySource.substring(copySource.indexOf('?') + 1);
        Map<String, String> q = new java.util.HashMap<>();
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            q.put(part.substring(0, eq), java.net.URLDecoder.decode(part.substring(eq + 1),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals("r", q.get("sp"), name + ": the copy source SAS is read-only: " + q);
        assertEquals("b", q.get("sr"), name + ": the copy source SAS is for one blob: " + q);
        Instant expiry = Instant.parse(q.get("se"));
        assertTrue(expiry.isBefore(Instant.now().plus(maxLife)), name + ": the copy source SAS expires soon: " + expiry);
    }

    static Instant instant(Object value) {
        if (value instanceof Number n) {
            double secs = n.doubleValue();
            return Instant.ofEpochSecond((long) secs, (long) ((secs - Math.floor(secs)) * 1e9));
        }
        return Instant.parse(String.valueOf(value));
    }

    /** Names of the blobs under a prefix of a target container. */
    static List<String> blobs(String container, String prefix) {
        BlobContainerClient c = TestServices.targetContainer(container);
        List<String> names = new ArrayList<>();
        for (BlobItem item : c.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            names.add(item.getName());
        }
        return names;
    }

    /** A fresh, empty target container in Azurite; returns its name. */
    static String newContainer(String stem) {
        String name = (stem + "-" + Long.toString(System.nanoTime(), 36)).toLowerCase();
        TestServices.newTargetContainer(name);
        return name;
    }

    /** The container's URL without a SAS, for tests that add their own. */
    static String bare(String container) {
        return TestServices.targetUrlWithoutSas(container);
    }

    /** The container's URL with a SAS (rcwl), as a user gives it. */
    static String url(String container) {
        return TestServices.targetUrl(container);
    }
}
