package io.pgvault.security;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.pgvault.testing.TestServices;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore API and the target side, as the security tests drive them (the real app, Azurite, PostgreSQL). */
final class Restores {

    static final String SERVER = "test-pg";

    private Restores() {
    }

    /** A fresh, empty target container; returns its name. */
    static String newContainer(String stem) {
        String name = (stem + "-" + Long.toString(System.nanoTime(), 36)).toLowerCase();
        TestServices.newTargetContainer(name);
        return name;
    }

    static Response post(String backupId, String container) {
        return given().contentType(ContentType.JSON).body(Map.of("server", SERVER, "backupId", backupId,
                "targetContainerUrl", TestServices.targetUrl(container)))
                .when().post("/restore");
    }

    /** Restores a backup into a new container and waits until it succeeded; returns the container's name. */
    static String restore(String backupId, String stem) throws InterruptedException {
        String container = newContainer(stem);
        Response r = post(backupId, container);
        assertEquals(202, r.statusCode(), r.asString());
        String id = r.jsonPath().getString("restoreId");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JsonPath s;
        do {
            Thread.sleep(100);
            s = given().queryParam("server", SERVER).queryParam("id", id).get("/restoreStatus").then().statusCode(200)
                    .extract().jsonPath();
        } while (List.of("Validating", "Copying").contains(s.getString("state")) && Instant.now().isBefore(deadline));
        assertEquals("Succeeded", s.getString("state"), s.prettify());
        return container;
    }

    /** An error answer with its failure kind, a part of its message and a HINT; returns the message. */
    static String assertRefused(Response r, int status, String code, String part) {
        String body = r.asString();
        assertEquals(status, r.statusCode(), body);
        assertEquals(code, r.jsonPath().getString("error"), body);
        String message = r.jsonPath().getString("message");
        assertTrue(message.contains(part), "message should contain '" + part + "': " + message);
        assertTrue(message.contains("HINT: "), "message has a HINT: " + message);
        assertTrue(!message.contains("\tat ") && !message.contains("Exception"), "no stack trace: " + message);
        return message;
    }

    static List<String> blobs(String container) {
        List<String> names = new ArrayList<>();
        for (BlobItem item : TestServices.targetContainer(container).listBlobs()) {
            names.add(item.getName());
        }
        return names;
    }

    /** Downloads everything under a backup's folder of a target container into a new directory. */
    static Path download(String container, String backupId) throws Exception {
        BlobContainerClient c = TestServices.targetContainer(container);
        String prefix = SERVER + "/" + backupId + "/";
        Path dir = Files.createTempDirectory("pgvault-sec-kit");
        for (BlobItem item : c.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            Path file = dir.resolve(item.getName().substring(prefix.length()));
            Files.createDirectories(file.getParent());
            c.getBlobClient(item.getName()).downloadToFile(file.toString(), true);
        }
        return dir;
    }

    /** Drops every user database of the server on {@code port}. */
    static void dropUserDatabases(int port) throws Exception {
        List<String> dbs = new ArrayList<>();
        try (Connection c = TestServices.connect(port, "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate "
                        + "AND datname <> 'postgres'")) {
            while (rs.next()) {
                dbs.add(rs.getString(1));
            }
        }
        for (String db : dbs) {
            TestServices.sqlOn(port, "postgres", "DROP DATABASE " + TestServices.ident(db) + " WITH (FORCE)");
        }
    }

    /** The first column of the first row of a query on the server on {@code port}. */
    static String query(int port, String sql) throws Exception {
        try (Connection c = TestServices.connect(port, "postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
